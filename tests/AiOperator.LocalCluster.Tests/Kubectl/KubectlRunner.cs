using System.Diagnostics;
using AiOperator.LocalCluster.ApiServer;

namespace AiOperator.LocalCluster.Tests.Kubectl;

// The machine's real kubectl against a local API server, with its own kubeconfig and discovery cache.
public sealed class KubectlRunner : IDisposable
{
    public KubectlRunner(ApiServerHost host)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("kubectl-test-").FullName;
        Kubeconfig = Path.Combine(Directory, "kubeconfig");
        host.WriteKubeconfig(Kubeconfig);
    }

    public string Directory { get; }

    public string Kubeconfig { get; }

    public Task<KubectlResult> RunAsync(params string[] args) => KubectlProcess.RunAsync(Kubeconfig, args, home: Directory);

    // For long-running commands (get --watch): the caller reads lines and disposes the process.
    public Process Start(params string[] args) => KubectlProcess.Start(Kubeconfig, args, home: Directory);

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
