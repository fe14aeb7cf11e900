using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Nodes;

using AiOperator.LocalCluster.Simulation.Nodes;

public sealed class SimulatedNodesTests
{
    [Fact]
    public void Default_options_give_tainted_h100_nodes_and_two_untainted_cpu_nodes()
    {
        var nodes = SimulatedNodes.Build(SimulatedNodes.Pools(new LocalClusterOptions()), DateTimeOffset.UnixEpoch);

        Assert.Equal(["gpu-node-0", "gpu-node-1", "cpu-node-0", "cpu-node-1"], nodes.Select(n => n.Metadata.Name));
        Assert.All(nodes.Skip(2), cpu =>
        {
            Assert.Null(cpu.Spec.Taints);
            Assert.False(cpu.Status.Allocatable.ContainsKey("nvidia.com/gpu"));
            Assert.False(cpu.Metadata.Labels.ContainsKey("nvidia.com/gpu.present"));
        });
        var node = nodes[0];
        Assert.Equal(4, node.Status.Allocatable["nvidia.com/gpu"].ToInt32());
        Assert.Equal(node.Status.Capacity["nvidia.com/gpu"], node.Status.Allocatable["nvidia.com/gpu"]);
        Assert.Equal("NVIDIA-H100-80GB-HBM3", node.Metadata.Labels["nvidia.com/gpu.product"]);
        Assert.Equal("gpu-node-0", node.Metadata.Labels["kubernetes.io/hostname"]);
        Assert.Equal(("nvidia.com/gpu", "NoSchedule"), (Assert.Single(node.Spec.Taints).Key, node.Spec.Taints[0].Effect));
        Assert.Contains(node.Status.Conditions, c => c.Type == "Ready" && c.Status == "True");
    }

    [Fact]
    public void Heterogeneous_pools_and_a_cpu_node()
    {
        var options = new LocalClusterOptions
        {
            CpuNodes = 1,
            NodePools = [new NodePool { NamePrefix = "mig", Count = 2, GpuProduct = "NVIDIA-A100-SXM4-40GB", ExtendedResources = new Dictionary<string, int> { ["nvidia.com/mig-1g.10gb"] = 7 } }],
        };

        var nodes = SimulatedNodes.Build(SimulatedNodes.Pools(options), DateTimeOffset.UnixEpoch);

        Assert.Equal(["mig-0", "mig-1", "cpu-node-0"], nodes.Select(n => n.Metadata.Name));
        Assert.Equal(7, nodes[0].Status.Allocatable["nvidia.com/mig-1g.10gb"].ToInt32());
        Assert.False(nodes[0].Status.Allocatable.ContainsKey("nvidia.com/gpu"));
        Assert.NotNull(nodes[0].Spec.Taints);
        Assert.Null(nodes[2].Spec.Taints);
        Assert.False(nodes[2].Metadata.Labels.ContainsKey("nvidia.com/gpu.product"));
    }

    [Fact]
    public void Hundreds_of_nodes_for_the_scale_benchmark()
    {
        var nodes = SimulatedNodes.Build(SimulatedNodes.Pools(new LocalClusterOptions { Nodes = 250, CpuNodes = 8 }), DateTimeOffset.UnixEpoch);

        Assert.Equal(258, nodes.Count);
        Assert.Equal(258, nodes.Select(n => n.Metadata.Name).Distinct().Count());
        Assert.Equal("gpu-node-249", nodes[249].Metadata.Name);
        Assert.Equal("cpu-node-7", nodes[^1].Metadata.Name);
    }

    [Fact]
    public void Invalid_pools_are_rejected_with_the_pool_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => SimulatedNodes.Pools(new LocalClusterOptions { NodePools = [new NodePool { NamePrefix = "bad", Gpus = -1 }] }));
        Assert.Contains("bad", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_cpu_node_count_is_rejected_naming_the_option()
    {
        var ex = Assert.Throws<ArgumentException>(() => SimulatedNodes.Pools(new LocalClusterOptions { CpuNodes = -1 }));
        Assert.Contains("CpuNodes", ex.Message, StringComparison.Ordinal);
    }
}
