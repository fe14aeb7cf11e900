using System.Diagnostics;
using System.Text;
using AiOperator.Testing;

namespace AiOperator.LocalCluster.Tests.Simulation.PortForward;

// A running `kubectl port-forward` on a free local port; disposing kills it.
internal sealed class KubectlForward : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    private KubectlForward(Process process, int localPort)
    {
        _process = process;
        LocalPort = localPort;
    }

    public int LocalPort { get; }

    public static async Task<KubectlForward> StartAsync(TestCluster cluster, string ns, string target, int remotePort, bool webSockets = true)
    {
        var port = LoopbackPort.Free();
        var info = new ProcessStartInfo("/usr/bin/kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--kubeconfig", cluster.Cluster.KubeconfigPath, "port-forward", "-n", ns, target, $"{port}:{remotePort}" })
        {
            info.ArgumentList.Add(arg);
        }

        if (!webSockets)
        {
            // kubectl's switch back to the legacy SPDY/3.1 upgrade.
            info.Environment["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = "false";
        }

        var forward = new KubectlForward(Process.Start(info)!, port);
        forward._process.OutputDataReceived += (_, e) => forward.Append(e.Data);
        forward._process.ErrorDataReceived += (_, e) => forward.Append(e.Data);
        forward._process.BeginOutputReadLine();
        forward._process.BeginErrorReadLine();
        try
        {
            await forward.OutputContainingAsync($"Forwarding from 127.0.0.1:{port}");
        }
        catch
        {
            forward.Dispose();
            throw;
        }

        return forward;
    }

    public async Task<string> GetAsync(string path) => await _http.GetStringAsync(new Uri($"http://127.0.0.1:{LocalPort}{path}"));

    public Task<string> OutputContainingAsync(string text) =>
        TestCluster.UntilAsync(() =>
        {
            string output;
            lock (_output)
            {
                output = _output.ToString();
            }

            if (_process.HasExited && !output.Contains(text, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"kubectl port-forward exited ({_process.ExitCode}) without printing \"{text}\": {output}");
            }

            return Task.FromResult(output.Contains(text, StringComparison.Ordinal) ? output : null);
        }, $"kubectl port-forward to print \"{text}\"", TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        _http.Dispose();
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
        }
    }
}
