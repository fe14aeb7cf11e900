using AiOperator.Testing;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>One local cluster per test class, with the project's CRDs installed; tests use their own namespaces.</summary>
public class OperatorCluster : ClusterFixture
{
    // 128 H100s: the tests sharing this cluster leave their GPU pods running in their own namespaces;
    // room for a few hundred CPU pods too (the fault test runs 200).
    protected override LocalCluster.LocalClusterOptions ClusterOptions() => new()
    {
        NodePools =
        [
            new LocalCluster.NodePool { NamePrefix = "gpu-h100", Count = 16, Gpus = 8, GpuProduct = "NVIDIA-H100-80GB-HBM3" },
            new LocalCluster.NodePool { NamePrefix = "cpu", Count = 3, MaxPods = 250, Cpu = "256", Memory = "1Ti" },
        ],
    };
}
