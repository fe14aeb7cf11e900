using AiOperator.LocalCluster;
using AiOperator.Testing;

namespace AiOperator.Operator.Tests.EndToEnd;

/// <summary>
/// A local cluster of its own per test class (one GPU node with four GPUs) whose kubelet runs the
/// model server this test run built as real processes, with the project's CRDs installed.
/// </summary>
public abstract class ModelServerClusterTest : ClusterFixture
{
    // The server this test run built (same configuration as the tests), found in the checkout.
    internal static string ModelServerBuild() => ProjectBuilds.ModelServer();

    protected override LocalClusterOptions ClusterOptions() => new()
    {
        Nodes = 1,
        GpusPerNode = 4,
        ProcessImages = ProjectBuilds.ModelServerImages(),
    };
}
