using AiOperator.LocalCluster.Simulation.Scheduling;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Scheduling;

public sealed class NodeUsageTests
{
    [Fact]
    public void Sums_requests_of_bound_unfinished_pods_per_node()
    {
        var done = TestObjects.Pod("done", 4, node: "n1");
        done.Status = new V1PodStatus { Phase = "Succeeded" };
        var pods = new[] { TestObjects.Pod("a", 2, cpu: "500m", node: "n1"), TestObjects.Pod("b", 1, node: "n1"), TestObjects.Pod("c", 3, node: "n2"), TestObjects.Pod("pending", 8), done };

        var usage = NodeUsage.ByNode(pods);

        Assert.Equal(["n1", "n2"], usage.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, usage["n1"].PodCount);
        Assert.Equal(3m, usage["n1"].Requested("nvidia.com/gpu"));
        Assert.Equal(0.5m, usage["n1"].Requested("cpu"));
        Assert.Equal(3m, usage["n2"].Requested("nvidia.com/gpu"));
    }

    [Fact]
    public void A_pass_that_assumes_its_binds_fills_nodes_like_bound_pods_do()
    {
        var nodes = new[] { TestObjects.GpuNode("n1", 8), TestObjects.GpuNode("n2", 8) };
        var usage = NodeUsage.ByNode([]);
        var placed = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            var pod = TestObjects.Pod($"p{i}", 2);
            var node = PlacementPolicy.Decide(pod, nodes, usage).NodeName;
            if (node is null)
            {
                placed.Add("-");
                continue;
            }

            placed.Add(node);
            if (!usage.TryGetValue(node, out var onNode))
            {
                onNode = new NodeUsage();
                usage[node] = onNode;
            }

            onNode.Add(PodRequests.For(pod));
        }

        // Spread (least allocated) until both nodes are full; the ninth pod finds no room.
        Assert.Equal(4, placed.Count(n => n == "n1"));
        Assert.Equal(4, placed.Count(n => n == "n2"));
        Assert.Equal("-", placed[^1]);
        Assert.Equal("0/2 nodes are available: 2 Insufficient nvidia.com/gpu.", PlacementPolicy.Decide(TestObjects.Pod("x", 1), nodes, usage).UnschedulableMessage);
    }
}
