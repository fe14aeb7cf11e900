using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AiOperator.Testing;

/// <summary>
/// The aiop-model-server executable of this build as a child process on free loopback ports, as users run
/// it: its own runtime settings (server GC included), its own thread pool, real signals and exit codes.
/// Hosting the server inside the calling process measured and tested something no user runs. Killed with
/// anything it started on dispose. Used by the model server's tests and by the benchmarks (linked there).
/// </summary>
public sealed class ModelServerProcess : IAsyncDisposable
{
    // Enough for every line a test asserts on, bounded for a benchmark that runs for minutes.
    private const int OutputKept = 1024 * 1024;

    private readonly StringBuilder _output = new();

    private ModelServerProcess(Process process, int httpPort, int grpcPort)
    {
        Process = process;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public Process Process { get; }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    /// <summary>A client of the REST port.</summary>
    public HttpClient Client { get; }

    /// <summary>What the server has written to stdout and stderr so far (the last megabyte of it).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>aiop-model-server</c> from this process's build output with <paramref name="args"/> (the
    /// host and both ports are added) and <paramref name="environment"/> added to this process's own, and
    /// returns once <c>/v2/health/ready</c> answers 200.
    /// </summary>
    public static async Task<ModelServerProcess> StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? readyWithin = null)
    {
        var arguments = args.ToList();
        // A port can still be taken between choosing it and the server binding it; a fresh pair is tried
        // then rather than failing on something that is not the server's fault.
        for (var attempt = 1; ; attempt++)
        {
            var server = Launch(arguments, environment, LoopbackPort.Free(), LoopbackPort.Free());
            try
            {
                if (await server.WaitReadyAsync(readyWithin ?? TimeSpan.FromMinutes(2)))
                {
                    return server;
                }
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            await server.Process.WaitForExitAsync();   // the output is complete only once the process has gone
            var output = server.Output;
            await server.DisposeAsync();
            if (attempt == 3 || !output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("aiop-model-server exited before it was ready: " + output);
            }
        }
    }

    /// <summary>Sends SIGTERM, as the kubelet does when it stops a pod.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Process.Dispose();
    }

    private static ModelServerProcess Launch(List<string> args, IReadOnlyDictionary<string, string>? environment, int httpPort, int grpcPort)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aiop-model-server.dll"));
        foreach (var a in args.Concat(["--host", "127.0.0.1", "--http-port", httpPort.ToString(CultureInfo.InvariantCulture), "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture)]))
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var server = new ModelServerProcess(process, httpPort, grpcPort);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    // True once ready; false if the process exited first.
    private async Task<bool> WaitReadyAsync(TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (!Process.HasExited)
        {
            try
            {
                using var ready = await Client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > within)
            {
                throw new TimeoutException($"aiop-model-server was not ready within {within.TotalSeconds:0} s: " + Output);
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
}
