using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AiOperator.ModelServer.Tests.Support;

/// <summary>The real aiop-model-server executable as a child process, so signals and exit codes are real.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, int port, int grpcPort)
    {
        _process = process;
        GrpcPort = grpcPort;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Client { get; }
    public int GrpcPort { get; }
    public string Output { get { lock (_output) { return _output.ToString(); } } }
    public Process Process => _process;

    public static Task<ServerProcess> StartAsync(params string[] args) => StartAsync(new Dictionary<string, string>(), args);

    /// <summary>Starts the server with <paramref name="environment"/> added to the test process's own.</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        // A port can still be taken between choosing it and the server binding it; a fresh pair is tried
        // then rather than failing the test on something that is not the server's fault.
        for (var attempt = 1; ; attempt++)
        {
            var server = Launch(environment, args, LoopbackPort.Free(), LoopbackPort.Free());
            try
            {
                await Eventually.TrueAsync(async () => server._process.HasExited || (await server.Client.GetAsync("/v2/health/ready")).IsSuccessStatusCode, "server process ready", TimeSpan.FromSeconds(60));
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            if (!server._process.HasExited)
            {
                return server;
            }

            await server._process.WaitForExitAsync();   // the output is complete only once the process has gone
            var output = server.Output;
            await server.DisposeAsync();
            if (attempt == 3 || !output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("server exited: " + output);
            }
        }
    }

    private static ServerProcess Launch(IReadOnlyDictionary<string, string> environment, string[] args, int port, int grpcPort)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aiop-model-server.dll"));
        foreach (var a in args.Concat(["--host", "127.0.0.1", "--http-port", port.ToString(CultureInfo.InvariantCulture), "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture), "--intra-op-threads", "1"]))
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        var server = new ServerProcess(process, port, grpcPort);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
