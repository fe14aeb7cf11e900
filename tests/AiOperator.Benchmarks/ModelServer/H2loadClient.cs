using System.Globalization;
using System.Text.RegularExpressions;

namespace AiOperator.Benchmarks.ModelServer;

/// <summary>
/// Drives a gRPC unary load with h2load (nghttp2's HTTP/2 load generator, Debian package nghttp2-client):
/// one thread, N connections with M concurrent streams each (a gRPC channel multiplexes its concurrent calls
/// over one connection), every request the same length-prefixed message. It
/// runs as its own process, so unlike an in-process Grpc.Net.Client it does not share the server's
/// runtime. h2load counts HTTP status only; gRPC failures (HTTP 200 with a grpc-status trailer) are
/// counted by the caller from the server's metrics. h2load reports no latency percentiles.
/// </summary>
internal static partial class H2loadClient
{
    public static bool Available() => Find() is not null;

    /// <summary>Writes <paramref name="message"/> as one gRPC frame: uncompressed flag, 4-byte big-endian length, the bytes.</summary>
    public static string Frame(string dir, string name, byte[] message)
    {
        var path = Path.Combine(dir, name + ".grpc");
        if (File.Exists(path))
        {
            return path;   // written by an earlier round of this run (the directory is the run's own)
        }

        var frame = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        File.WriteAllBytes(path, frame);
        return path;
    }

    public static async Task<LoadResult> RunAsync(string model, string target, string url, string framePath, int connections, int streams, int seconds)
    {
        var h2load = Find() ?? throw new InvalidOperationException("h2load is not installed (apt-get install nghttp2-client)");
        var output = await LoadTool.RunAsync(h2load,
            ["-D", seconds.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture), "-m", streams.ToString(CultureInfo.InvariantCulture),
                "-t", "1", "-d", framePath, "-H", "content-type: application/grpc", "-H", "te: trailers", url],
            seconds);
        var client = streams == 1 ? "h2load" : $"h2load, {connections} connection x {streams} streams";
        return Parse(model, $"{target} ({client})", connections * streams, output);
    }

    /// <summary>Reads h2load's summary: req/s from "finished in", the request counts and the failures.</summary>
    internal static LoadResult Parse(string model, string target, int connections, string output)
    {
        var rps = Finished().Match(output) is { Success: true } f ? double.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var counts = Requests().Match(output);
        long Group(string name) => counts.Success ? long.Parse(counts.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        var non2xx = Statuses().Match(output) is { Success: true } s
            ? s.Groups.Values.Skip(2).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture))
            : 0;
        return new LoadResult(model, target, connections, rps, double.NaN, double.NaN, Group("done"), Group("failed") + Group("errored") + Group("timeout") + non2xx);
    }

    private static string? Find() => LoadTool.Find("h2load");

    [GeneratedRegex(@"finished in [\d.]+\w+, ([\d.]+) req/s")]
    private static partial Regex Finished();

    [GeneratedRegex(@"requests: (?<total>\d+) total, \d+ started, (?<done>\d+) done, \d+ succeeded, (?<failed>\d+) failed, (?<errored>\d+) errored, (?<timeout>\d+) timeout")]
    private static partial Regex Requests();

    [GeneratedRegex(@"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx")]
    private static partial Regex Statuses();
}
