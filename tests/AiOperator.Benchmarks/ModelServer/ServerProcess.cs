using System.Diagnostics;
using System.Globalization;
using System.Text;
using AiOperator.Testing;

namespace AiOperator.Benchmarks.ModelServer;

/// <summary>
/// Our server as users run it: the aiop-model-server executable (its own runtime settings, server GC
/// included) as a child process on free loopback ports, killed on dispose. Hosting it inside the benchmark
/// process measured something no user runs, and at one connection measured it slower than the real one.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int OutputKept = 64 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _client;

    private ServerProcess(Process process, int httpPort, int grpcPort)
    {
        _process = process;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    /// <summary>Starts the server on <paramref name="model"/> as "bench" and returns once it is ready.</summary>
    public static async Task<ServerProcess> StartAsync(string model, IEnumerable<string> flags)
    {
        // A chosen port can be taken before the server binds it; a fresh pair is tried then.
        for (var attempt = 1; ; attempt++)
        {
            var server = Launch(model, flags, LoopbackPort.Free(), LoopbackPort.Free());
            try
            {
                if (await server.WaitReadyAsync())
                {
                    return server;
                }
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            await server._process.WaitForExitAsync();
            var output = server.Output();
            await server.DisposeAsync();
            if (attempt == 3 || !output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("aiop-model-server exited before it was ready: " + output);
            }
        }
    }

    /// <summary>Failed inference requests so far, REST and gRPC alike (nv_inference_request_failure, every series).</summary>
    public async Task<long> FailedRequestsAsync()
    {
        var total = 0.0;
        foreach (var line in (await _client.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Split('\n'))
        {
            if (line.StartsWith("nv_inference_request_failure", StringComparison.Ordinal))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return (long)total;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private static ServerProcess Launch(string model, IEnumerable<string> flags, int httpPort, int grpcPort)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] args =
        [
            Path.Combine(AppContext.BaseDirectory, "aiop-model-server.dll"),
            "--model-uri", model, "--model-name", "bench", "--host", "127.0.0.1",
            "--http-port", httpPort.ToString(CultureInfo.InvariantCulture), "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture),
            "--execution-provider", "cpu", "--termination-log", Path.Combine(Path.GetTempPath(), "aiop-bench-termination.log"),
        ];
        foreach (var a in args.Concat(flags))
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var server = new ServerProcess(process, httpPort, grpcPort);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    // True once ready; false if the process exited first.
    private async Task<bool> WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!_process.HasExited)
        {
            try
            {
                using var ready = await _client.GetAsync(new Uri("/v2/models/bench/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("aiop-model-server did not become ready within 2 minutes: " + Output());
            }

            await Task.Delay(50);
        }

        return false;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > OutputKept)
            {
                _output.Remove(0, _output.Length - OutputKept);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }
}
