using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Scheduling;

using AiOperator.LocalCluster.Simulation.Scheduling;

public sealed class PlacementPolicyTests
{
    [Fact]
    public void Gpu_requests_count_pods_already_bound()
    {
        var nodes = new[] { TestObjects.GpuNode("n1", 4), TestObjects.GpuNode("n2", 4) };
        var bound = new[] { TestObjects.Pod("a", 3, node: "n1"), TestObjects.Pod("b", 2, node: "n2") };

        var decision = PlacementPolicy.Decide(TestObjects.Pod("p", 2), nodes, bound);

        Assert.Equal("n2", decision.NodeName);
    }

    [Fact]
    public void Equally_free_nodes_go_to_the_first_name_whatever_their_order()
    {
        var nodes = new[] { TestObjects.GpuNode("n3", 4), TestObjects.GpuNode("n1", 4), TestObjects.GpuNode("n2", 4) };

        Assert.Equal("n1", PlacementPolicy.Decide(TestObjects.Pod("p", 1), nodes, []).NodeName);
        Assert.Equal("n1", PlacementPolicy.Decide(TestObjects.Pod("p", 1), nodes.Reverse().ToArray(), []).NodeName);
    }

    [Fact]
    public void Unschedulable_message_matches_the_real_scheduler()
    {
        var nodes = new[] { TestObjects.GpuNode("n1", 4), TestObjects.GpuNode("n2", 4), TestObjects.GpuNode("n3", 4) };

        var decision = PlacementPolicy.Decide(TestObjects.Pod("p", 5), nodes, []);

        Assert.Null(decision.NodeName);
        Assert.Equal("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.", decision.UnschedulableMessage);
    }

    [Fact]
    public void Untolerated_taint_and_resources_are_counted_separately_and_sorted()
    {
        var nodes = new[] { TestObjects.GpuNode("n1", 1), TestObjects.GpuNode("n2", 1) };
        var pod = TestObjects.Pod("p", 2);
        var notTolerating = TestObjects.Pod("q", 2, tolerateGpu: false);

        Assert.Equal("0/2 nodes are available: 2 Insufficient nvidia.com/gpu.", PlacementPolicy.Decide(pod, nodes, []).UnschedulableMessage);
        Assert.Equal("0/2 nodes are available: 2 node(s) had untolerated taint {nvidia.com/gpu: }.", PlacementPolicy.Decide(notTolerating, nodes, []).UnschedulableMessage);
    }

    [Fact]
    public void Finished_pods_free_their_resources()
    {
        var done = TestObjects.Pod("done", 4, node: "n1");
        done.Status = new V1PodStatus { Phase = "Succeeded" };

        var decision = PlacementPolicy.Decide(TestObjects.Pod("p", 4), [TestObjects.GpuNode("n1", 4)], [done]);

        Assert.Equal("n1", decision.NodeName);
    }

    [Fact]
    public void Mig_resources_are_ordinary_extended_resources()
    {
        var mig = TestObjects.GpuNode("mig", 0, "NVIDIA-A100-SXM4-40GB");
        mig.Status.Allocatable["nvidia.com/mig-1g.10gb"] = new ResourceQuantity("7");
        var pod = TestObjects.Pod("p");
        pod.Spec.Containers[0].Resources.Limits["nvidia.com/mig-1g.10gb"] = new ResourceQuantity("2");
        var bound = Enumerable.Range(0, 3).Select(i =>
        {
            var other = TestObjects.Pod($"o{i}", node: "mig");
            other.Spec.Containers[0].Resources.Limits["nvidia.com/mig-1g.10gb"] = new ResourceQuantity("2");
            return other;
        }).ToList();

        Assert.Equal("0/2 nodes are available: 2 Insufficient nvidia.com/mig-1g.10gb.", PlacementPolicy.Decide(pod, [mig, TestObjects.GpuNode("h100")], bound).UnschedulableMessage);
        Assert.Equal("mig", PlacementPolicy.Decide(pod, [mig], bound.Take(2).ToList()).NodeName);
    }

    [Fact]
    public void No_nodes_gives_a_clear_message()
    {
        Assert.Equal("no nodes available to schedule pods", PlacementPolicy.Decide(TestObjects.Pod("p"), [], []).UnschedulableMessage);
    }

    [Fact]
    public void Cordoned_node_is_skipped()
    {
        var cordoned = TestObjects.GpuNode("n1");
        cordoned.Spec.Unschedulable = true;

        var decision = PlacementPolicy.Decide(TestObjects.Pod("p", 1), [cordoned], []);

        Assert.Equal("0/1 nodes are available: 1 node(s) were unschedulable.", decision.UnschedulableMessage);
    }
}
