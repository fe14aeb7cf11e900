using System.Diagnostics;
using System.Text;
using AiOperator.LocalCluster.ApiServer;

namespace AiOperator.LocalCluster.Tests.Kubectl;

// Runs the machine's real kubectl against a local API server, with its own kubeconfig and discovery cache.
public sealed class KubectlRunner : IDisposable
{
    public const string KubectlPath = "/usr/bin/kubectl";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public KubectlRunner(ApiServerHost host)
    {
        if (!File.Exists(KubectlPath))
        {
            throw new FileNotFoundException($"kubectl is required for these tests and was not found at {KubectlPath}");
        }

        Directory = System.IO.Directory.CreateTempSubdirectory("kubectl-test-").FullName;
        Kubeconfig = Path.Combine(Directory, "kubeconfig");
        host.WriteKubeconfig(Kubeconfig);
    }

    public string Directory { get; }

    public string Kubeconfig { get; }

    public async Task<KubectlResult> RunAsync(params string[] args)
    {
        using var process = Start(args);
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
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within {Timeout}");
        }

        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    // For long-running commands (get --watch): the caller reads lines and disposes the process.
    public Process Start(params string[] args)
    {
        var info = new ProcessStartInfo(KubectlPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(Kubeconfig);
        info.ArgumentList.Add("--cache-dir");
        info.ArgumentList.Add(Path.Combine(Directory, "cache"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["KUBECONFIG"] = Kubeconfig;
        info.Environment["HOME"] = Directory;
        return Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
    }

    public string WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A kubectl child may still hold the cache; the temp folder is cleaned by the OS later.
        }
    }
}
