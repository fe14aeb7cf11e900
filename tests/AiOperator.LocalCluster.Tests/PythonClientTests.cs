using System.Diagnostics;
using AiOperator.LocalCluster.Tests.ApiServer;
using AiOperator.LocalCluster.Tests.Kubectl;
using Xunit;

namespace AiOperator.LocalCluster.Tests;

// The Python kubernetes client (Debian python3-kubernetes, installed by .ci/setup) against the local
// API server: it writes query booleans as "True" and watches from a list's resourceVersion.
public sealed class PythonClientTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>, IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly KubectlRunner _files = new(fixture.Host);

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Create_list_watch_from_list_version_conflict_and_not_found()
    {
        var ns = await fixture.NewNamespaceAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "Python", "configmap_round_trip.py");
        var (code, output) = await RunAsync(script, _files.Kubeconfig, ns);

        Assert.True(code == 0, $"python exited with {code}:\n{output}");
        Assert.Contains("event ADDED:py:fast", output, StringComparison.Ordinal);
        Assert.Contains("event MODIFIED:py:slow", output, StringComparison.Ordinal);
        Assert.Contains("event DELETED:py:slow", output, StringComparison.Ordinal);
        Assert.Contains("status 409 ok", output, StringComparison.Ordinal);
        Assert.Contains("status 404 ok", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        Assert.True(File.Exists(Python), $"{Python} is required (Debian python3 with python3-kubernetes; .ci/setup installs it)");
        var probe = await StartAsync("-c", "import kubernetes");
        Assert.True(probe.Code == 0, $"the Python kubernetes client is missing: run .ci/setup (apt-get install python3-kubernetes)\n{probe.Output}");
        return await StartAsync(args);
    }

    private static async Task<(int Code, string Output)> StartAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("python3 did not start");
        using var cts = new CancellationTokenSource(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python3 {string.Join(' ', args)} did not finish within {Timeout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
