using AiOperator.Api.Crds;
using AiOperator.LocalCluster;
using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.Testing;

/// <summary>
/// A local cluster with the project's CRDs installed and served, for a test class or collection;
/// subclasses choose the nodes and images. Tests share it and keep to their own namespaces.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private static readonly TimeSpan CrdDeadline = TimeSpan.FromSeconds(30);
    private LocalCluster.LocalCluster? _cluster;
    private Kubernetes? _client;

    public LocalCluster.LocalCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not started");

    public Kubernetes Client => _client ?? throw new InvalidOperationException("the cluster is not started");

    public KubernetesClientConfiguration Config => Cluster.ApiServer.ClientConfiguration;

    public virtual async Task InitializeAsync()
    {
        _cluster = await LocalCluster.LocalCluster.StartAsync(ClusterOptions()).ConfigureAwait(false);
        _client = Cluster.CreateClient();
        using var deadline = new CancellationTokenSource(CrdDeadline);
        try
        {
            await CrdInstaller.InstallAsync(Client, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"CRDs not established within {CrdDeadline.TotalSeconds:0}s");
        }
    }

    public async Task<string> NewNamespaceAsync(string prefix)
    {
        var ns = await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { GenerateName = prefix + "-" } }).ConfigureAwait(false);
        return ns.Metadata.Name;
    }

    public virtual async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The cluster to start; the default has no nodes (enough for API-only tests).</summary>
    protected virtual LocalClusterOptions ClusterOptions() => new() { NodePools = [] };
}
