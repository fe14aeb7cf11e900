using AiOperator.Api.V1Alpha1;
using k8s;

namespace AiOperator.Cli.Admin;

/// <summary>A client for the cluster the kubeconfig names, and the namespace commands act in.</summary>
internal sealed class ClusterConnection : IDisposable
{
    private ClusterConnection(Kubernetes client, string @namespace)
    {
        Client = client;
        Namespace = @namespace;
        ModelDeployments = new GenericClient(client, GroupVersion.Group, GroupVersion.Version, ModelDeployment.Plural, disposeClient: false);
        TrainingJobs = new GenericClient(client, GroupVersion.Group, GroupVersion.Version, TrainingJob.Plural, disposeClient: false);
    }

    public Kubernetes Client { get; }

    public string Namespace { get; }

    public GenericClient ModelDeployments { get; }

    public GenericClient TrainingJobs { get; }

    // Same precedence as kubectl: --kubeconfig, then $KUBECONFIG (first file), then ~/.kube/config.
    public static ClusterConnection Open(string? kubeconfig, string? context, string? @namespace)
    {
        var path = kubeconfig
            ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (!File.Exists(path))
        {
            throw new AdminException($"kubeconfig {path} does not exist (pass --kubeconfig or set KUBECONFIG)");
        }

        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, currentContext: context);
        var ns = string.IsNullOrEmpty(@namespace) ? config.Namespace ?? "default" : @namespace;
        return new ClusterConnection(new Kubernetes(config), ns);
    }

    public void Dispose()
    {
        ModelDeployments.Dispose();
        TrainingJobs.Dispose();
        Client.Dispose();
    }
}
