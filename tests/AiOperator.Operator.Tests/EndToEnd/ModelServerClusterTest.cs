using AiOperator.Api.Crds;
using AiOperator.LocalCluster;
using AiOperator.LocalCluster.Simulation;
using AiOperator.Operator.Tests.Integration;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.EndToEnd;

/// <summary>
/// A local cluster of its own per test class (one GPU node with four GPUs) whose kubelet runs the
/// model server this test run built as real processes, with the project's CRDs installed.
/// </summary>
public abstract class ModelServerClusterTest : IAsyncLifetime
{
    private LocalCluster.LocalCluster? _cluster;
    private Kubernetes? _client;

    protected LocalCluster.LocalCluster Cluster => _cluster!;

    protected Kubernetes Client => _client!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.LocalCluster.StartAsync(new LocalClusterOptions
        {
            Nodes = 1,
            GpusPerNode = 4,
            ProcessImages = ProjectImages.Resolve(ModelServerBuild(), trainerPath: null),
        });
        _client = Cluster.CreateClient();
        foreach (var crd in AiOperatorCrds.All)
        {
            await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdGenerator.RenderYaml(crd)));
        }
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    // The server this test run built (same configuration as the tests), found in the checkout.
    internal static string ModelServerBuild()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var root = DeployPathTests.RepositoryRoot();
        var dir = Path.Combine(root, "runtime-image", "src", "AiOperator.ModelServer", "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(dir, "aiop-model-server.dll")), $"aiop-model-server.dll not built at {dir}");
        return dir;
    }
}
