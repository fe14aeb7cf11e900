using AiOperator.Operator.Autoscaling;
using k8s.Models;

namespace AiOperator.Operator.Tests.Autoscaling;

public sealed class GpuCapacityTests
{
    private static readonly Dictionary<string, string> AnyNode = [];

    [Fact]
    public void Free_gpus_of_the_resource_on_ready_schedulable_matching_nodes_bound_the_replicas()
    {
        V1Node[] nodes =
        [
            Node("a", gpus: 4),
            Node("b", gpus: 4),
            Node("cordoned", gpus: 8, unschedulable: true),
            Node("down", gpus: 8, ready: false),
            Node("mig", gpus: 7, resource: "nvidia.com/mig-1g.10gb"),
        ];

        // 8 GPUs; others hold 3, our 2 scheduled pods hold 2 (1 each): 3 free → 2 + 3 replicas.
        var limit = GpuCapacity.Compute("nvidia.com/gpu", 1, AnyNode, nodes, gpusHeldByOthers: 3, ownScheduledPods: 2);

        Assert.Equal(new CapacityLimit(5, 3, 8, "nvidia.com/gpu"), limit);
    }

    [Fact]
    public void Pods_that_need_several_gpus_fit_whole_and_the_node_selector_filters_nodes()
    {
        Dictionary<string, string> h100 = new() { ["nvidia.com/gpu.product"] = "H100" };
        V1Node[] nodes = [Node("a", gpus: 8, product: "H100"), Node("b", gpus: 8, product: "A100")];

        var limit = GpuCapacity.Compute("nvidia.com/gpu", 3, h100, nodes, gpusHeldByOthers: 0, ownScheduledPods: 1);

        // 8 − 3 = 5 free: one more pod of 3.
        Assert.Equal(new CapacityLimit(2, 5, 8, "nvidia.com/gpu"), limit);
    }

    [Fact]
    public void No_matching_gpus_leaves_only_the_pods_already_scheduled()
    {
        var limit = GpuCapacity.Compute("nvidia.com/gpu", 1, AnyNode, [Node("cpu", gpus: 0)], gpusHeldByOthers: 0, ownScheduledPods: 0);

        Assert.Equal(new CapacityLimit(0, 0, 0, "nvidia.com/gpu"), limit);
    }

    private static V1Node Node(string name, int gpus, string resource = "nvidia.com/gpu", bool unschedulable = false, bool ready = true, string? product = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = product is null ? null : new Dictionary<string, string> { ["nvidia.com/gpu.product"] = product } },
        Spec = new V1NodeSpec { Unschedulable = unschedulable },
        Status = new V1NodeStatus
        {
            Allocatable = new Dictionary<string, ResourceQuantity> { [resource] = new(gpus.ToString(System.Globalization.CultureInfo.InvariantCulture)), ["cpu"] = new("16") },
            Conditions = [new V1NodeCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };
}
