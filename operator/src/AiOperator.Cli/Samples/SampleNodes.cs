using AiOperator.LocalCluster;

namespace AiOperator.Cli.Samples;

/// <summary>
/// The nodes of `aiop local --samples`: the usual GPU nodes (same names and sizes as without it) plus one
/// A100 partitioned into seven 1g.10gb MIG instances, which the MIG sample needs.
/// </summary>
internal static class SampleNodes
{
    public const string MigNodeName = "mig-node-0";

    public static IReadOnlyList<NodePool> Pools(int gpuNodes, int gpusPerNode, string gpuProduct) =>
    [
        new NodePool { NamePrefix = "gpu-node", Count = gpuNodes, Gpus = gpusPerNode, GpuProduct = gpuProduct },
        new NodePool
        {
            NamePrefix = "mig-node",
            Count = 1,
            GpuProduct = "NVIDIA-A100-SXM4-80GB",
            ExtendedResources = new Dictionary<string, int> { ["nvidia.com/mig-1g.10gb"] = 7 },
        },
    ];
}
