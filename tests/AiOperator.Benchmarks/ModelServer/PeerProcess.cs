using System.Diagnostics;
using System.Globalization;

namespace AiOperator.Benchmarks.ModelServer;

/// <summary>The onnxruntime-node OIP server (peer/server.js) as a child process, killed on dispose.</summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The node process (for its CPU time).</summary>
    public Process Process => _process;

    public static async Task<PeerProcess> StartAsync(string model, int threads)
    {
        var dir = Directory();
        if (!System.IO.Directory.Exists(Path.Combine(dir, "node_modules", "onnxruntime-node")))
        {
            throw new InvalidOperationException($"the peer's packages are not installed: cd {dir} && ONNXRUNTIME_NODE_INSTALL=skip npm ci");
        }

        var info = new ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "server.js", "--model", model, "--name", "bench", "--port", "0", "--threads", threads.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        try
        {
            _ = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                if (line.StartsWith("listening on ", StringComparison.Ordinal))
                {
                    _ = process.StandardOutput.ReadToEndAsync();
                    return new PeerProcess(process, int.Parse(line["listening on ".Length..], CultureInfo.InvariantCulture));
                }
            }

            throw new InvalidOperationException($"the peer exited with {(process.HasExited ? process.ExitCode : -1)} before listening");
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Kill(_process);
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    // peer/ sits beside this source folder; the benchmark runs from its bin folder inside the project.
    private static string Directory()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "peer", "server.js");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }

        throw new FileNotFoundException("peer/server.js was not found above " + AppContext.BaseDirectory);
    }
}
