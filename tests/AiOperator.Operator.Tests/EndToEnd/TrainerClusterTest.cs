using AiOperator.Api.Crds;
using AiOperator.LocalCluster;
using AiOperator.LocalCluster.Simulation;
using AiOperator.Operator.Tests.Integration;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.EndToEnd;

/// <summary>
/// A local cluster of its own per test (one GPU node, two CPU nodes) whose kubelet runs the model server and
/// aiop-trainer this test run built as real processes, with the project's CRDs installed.
/// </summary>
public abstract class TrainerClusterTest : IAsyncLifetime
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
            ProcessImages = ProjectImages.Resolve(ModelServerClusterTest.ModelServerBuild(), TrainerBuild()),
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

    /// <summary>A claim's folder in the local cluster (process pods see it at their mount path).</summary>
    protected string ClaimPath(string ns, string claim, string path = "") => Path.Combine(Cluster.StateDirectory, "pvcs", ns, claim, path);

    // The trainer this test run built (same configuration as the tests), found in the checkout.
    internal static string TrainerBuild()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dir = Path.Combine(DeployPathTests.RepositoryRoot(), "runtime-image", "src", "AiOperator.Trainer", "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(dir, "aiop-trainer.dll")), $"aiop-trainer.dll not built at {dir}");
        return dir;
    }
}
