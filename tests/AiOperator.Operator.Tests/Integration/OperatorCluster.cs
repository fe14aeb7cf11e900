using AiOperator.Api.Crds;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>One local cluster per test class, with the project's CRDs installed; tests use their own namespaces.</summary>
public class OperatorCluster : IAsyncLifetime
{
    private LocalCluster.LocalCluster? _cluster;

    public LocalCluster.LocalCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public KubernetesClientConfiguration Config => Cluster.ApiServer.ClientConfiguration;

    public Kubernetes Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.LocalCluster.StartAsync(ClusterOptions());
        Client = Cluster.CreateClient();
        foreach (var crd in AiOperatorCrds.All)
        {
            await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdGenerator.RenderYaml(crd)));
        }

        await Wait.UntilAsync(async () =>
        {
            var list = await Client.ApiextensionsV1.ListCustomResourceDefinitionAsync();
            return list.Items.Count(c => c.Status?.Conditions?.Any(x => x.Type == "Established" && x.Status == "True") == true) >= AiOperatorCrds.All.Count;
        }, TimeSpan.FromSeconds(30), "CRDs established");
    }

    // 128 H100s: the tests sharing this cluster leave their GPU pods running in their own namespaces;
    // room for a few hundred CPU pods too (the fault test runs 200).
    protected virtual LocalCluster.LocalClusterOptions ClusterOptions() => new()
    {
        NodePools =
        [
            new LocalCluster.NodePool { NamePrefix = "gpu-h100", Count = 16, Gpus = 8, GpuProduct = "NVIDIA-H100-80GB-HBM3" },
            new LocalCluster.NodePool { NamePrefix = "cpu", Count = 3, MaxPods = 250, Cpu = "256", Memory = "1Ti" },
        ],
    };

    public async Task<string> NewNamespaceAsync(string prefix)
    {
        var ns = await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { GenerateName = prefix + "-" } });
        return ns.Metadata.Name;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
