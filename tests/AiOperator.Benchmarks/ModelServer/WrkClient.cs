using System.Globalization;
using System.Text.RegularExpressions;

namespace AiOperator.Benchmarks.ModelServer;

/// <summary>
/// Drives an HTTP POST load with wrk (one thread, N connections, a Lua script that sets the body) and
/// reads its throughput and latency percentiles; wrk runs as its own process, outside both servers.
/// </summary>
internal static partial class WrkClient
{
    public static bool Available() => Find() is not null;

    /// <summary>Writes the Lua script that posts <paramref name="bodyPath"/> with the given headers.</summary>
    public static string Script(string dir, string name, string bodyPath, IReadOnlyDictionary<string, string> headers)
    {
        var lines = new List<string> { "wrk.method = \"POST\"" };
        lines.AddRange(headers.Select(h => $"wrk.headers[\"{h.Key}\"] = \"{h.Value}\""));
        lines.Add($"local f = assert(io.open(\"{bodyPath}\", \"rb\"))");
        lines.Add("wrk.body = f:read(\"*a\")");
        lines.Add("f:close()");
        var path = Path.Combine(dir, name + ".lua");
        File.WriteAllLines(path, lines);
        return path;
    }

    public static async Task<LoadResult> RunAsync(string model, string target, string url, string script, int connections, int seconds)
    {
        var wrk = Find() ?? throw new InvalidOperationException("wrk is not installed (apt-get install wrk), or pass --client dotnet");
        var output = await LoadTool.RunAsync(wrk, ["-t1", $"-c{connections}", $"-d{seconds}s", "--timeout", "30s", "--latency", "-s", script, url], seconds);
        return Parse(model, target + " (wrk)", connections, output);
    }

    /// <summary>Reads wrk's --latency report: Requests/sec, the 50 % and 99 % lines, request and error counts.</summary>
    internal static LoadResult Parse(string model, string target, int connections, string output)
    {
        double Latency(string percent)
        {
            var m = Regex.Match(output, $@"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
            if (!m.Success)
            {
                return double.NaN;
            }

            var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch { "us" => v / 1000, "ms" => v, _ => v * 1000 };
        }

        long Count(Regex pattern) => pattern.Match(output) is { Success: true } m
            ? m.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture))
            : 0;

        var rps = RequestsPerSecond().Match(output) is { Success: true } r ? double.Parse(r.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var requests = Count(RequestCount());
        var errors = Count(Non2xx()) + Count(SocketErrors());
        return new LoadResult(model, target, connections, rps, Latency("50"), Latency("99"), requests, errors);
    }

    private static string? Find() => LoadTool.Find("wrk");

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s*(\d+) requests in", RegexOptions.Multiline)]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
