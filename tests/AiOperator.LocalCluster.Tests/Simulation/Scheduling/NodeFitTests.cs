using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Scheduling;

using AiOperator.LocalCluster.Simulation.Scheduling;

public sealed class NodeFitTests
{
    [Fact]
    public void Cpu_and_pods_limits_are_enforced()
    {
        var node = TestObjects.GpuNode("n1");
        node.Status.Allocatable["cpu"] = new ResourceQuantity("1");
        node.Status.Allocatable["pods"] = new ResourceQuantity("2");
        var bound = new[] { TestObjects.Pod("a", cpu: "600m", node: "n1"), TestObjects.Pod("b", cpu: "100m", node: "n1") };

        var reasons = NodeFit.Reasons(TestObjects.Pod("p", cpu: "500m"), node, bound);

        Assert.Equal(["Too many pods", "Insufficient cpu"], reasons);
    }

    [Fact]
    public void Every_short_resource_is_named_in_name_order()
    {
        var node = TestObjects.GpuNode("n1", gpus: 1);
        node.Status.Allocatable["cpu"] = new ResourceQuantity("1");

        var reasons = NodeFit.Reasons(TestObjects.Pod("p", 2, cpu: "2"), node, []);

        Assert.Equal(["Insufficient cpu", "Insufficient nvidia.com/gpu"], reasons);
        Assert.Empty(NodeFit.Reasons(TestObjects.Pod("q", 1, cpu: "1"), node, []));
    }

    [Fact]
    public void Requests_default_to_limits_and_init_containers_take_the_max()
    {
        var pod = TestObjects.Pod("p", 2, cpu: "1");
        pod.Spec.InitContainers = [new V1Container { Name = "init", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("3") } } }];

        var requests = PodRequests.For(pod);

        Assert.Equal(2m, requests["nvidia.com/gpu"]);
        Assert.Equal(3m, requests["cpu"]);
    }

    [Fact]
    public void Node_selector_must_match_every_label()
    {
        var pod = TestObjects.Pod("p", 1);
        pod.Spec.NodeSelector = new Dictionary<string, string> { ["nvidia.com/gpu.product"] = "NVIDIA-A100-SXM4-40GB" };

        Assert.Equal(["node(s) didn't match Pod's node affinity/selector"], NodeFit.Reasons(pod, TestObjects.GpuNode("n1"), []));
        Assert.Empty(NodeFit.Reasons(pod, TestObjects.GpuNode("n2", product: "NVIDIA-A100-SXM4-40GB"), []));
    }

    [Theory]
    [InlineData("In", new[] { "NVIDIA-H100-80GB-HBM3", "x" }, true)]
    [InlineData("In", new[] { "x" }, false)]
    [InlineData("NotIn", new[] { "NVIDIA-H100-80GB-HBM3" }, false)]
    [InlineData("NotIn", new[] { "x" }, true)]
    [InlineData("Exists", new string[0], true)]
    [InlineData("DoesNotExist", new string[0], false)]
    public void Affinity_operators_on_the_product_label(string op, string[] values, bool matches)
    {
        var pod = TestObjects.Pod("p");
        pod.Spec.Affinity = Affinity(new V1NodeSelectorRequirement { Key = "nvidia.com/gpu.product", OperatorProperty = op, Values = values });

        Assert.Equal(matches, NodeAffinity.Matches(pod, TestObjects.GpuNode("n1")));
    }

    [Theory]
    [InlineData("Gt", "3", true)]
    [InlineData("Gt", "4", false)]
    [InlineData("Lt", "5", true)]
    [InlineData("Lt", "4", false)]
    [InlineData("Gt", "four", false)]
    public void Gt_and_Lt_compare_integers(string op, string value, bool matches)
    {
        var pod = TestObjects.Pod("p");
        pod.Spec.Affinity = Affinity(new V1NodeSelectorRequirement { Key = "nvidia.com/gpu.count", OperatorProperty = op, Values = [value] });

        Assert.Equal(matches, NodeAffinity.Matches(pod, TestObjects.GpuNode("n1", gpus: 4)));
    }

    [Fact]
    public void Terms_are_ored_and_an_empty_term_matches_nothing()
    {
        var pod = TestObjects.Pod("p");
        pod.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms =
                    [
                        new V1NodeSelectorTerm(),
                        new V1NodeSelectorTerm { MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = ["n2"] }] },
                    ],
                },
            },
        };

        Assert.False(NodeAffinity.Matches(pod, TestObjects.GpuNode("n1")));
        Assert.True(NodeAffinity.Matches(pod, TestObjects.GpuNode("n2")));
    }

    [Theory]
    [InlineData("nvidia.com/gpu", "Exists", null, "NoSchedule", true)]
    [InlineData("nvidia.com/gpu", "Exists", null, null, true)]
    [InlineData("nvidia.com/gpu", "Exists", null, "NoExecute", false)]
    [InlineData("nvidia.com/gpu", "Equal", "present", "NoSchedule", true)]
    [InlineData("nvidia.com/gpu", "Equal", "other", "NoSchedule", false)]
    [InlineData(null, "Exists", null, null, true)]
    [InlineData(null, "Equal", null, null, false)]
    [InlineData("other", "Exists", null, null, false)]
    public void Toleration_matching(string? key, string op, string? value, string? effect, bool tolerated)
    {
        var taint = new V1Taint { Key = "nvidia.com/gpu", Value = op == "Equal" && key is not null ? "present" : null, Effect = "NoSchedule" };
        if (op == "Exists")
        {
            taint.Value = null;
        }

        Assert.Equal(tolerated, Tolerations.Tolerates(new V1Toleration { Key = key, OperatorProperty = op, Value = value, Effect = effect }, taint));
    }

    [Fact]
    public void PreferNoSchedule_taints_do_not_block()
    {
        var taints = new[] { new V1Taint { Key = "k", Effect = "PreferNoSchedule" } };

        Assert.Null(Tolerations.FirstUntolerated(taints, null));
        Assert.NotNull(Tolerations.FirstUntolerated([new V1Taint { Key = "k", Effect = "NoExecute" }], null));
    }

    private static V1Affinity Affinity(V1NodeSelectorRequirement requirement) => new()
    {
        NodeAffinity = new V1NodeAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
            {
                NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [requirement] }],
            },
        },
    };
}
