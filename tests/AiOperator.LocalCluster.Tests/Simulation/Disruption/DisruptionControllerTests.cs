using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Disruption;

// The disruption controller keeps a PodDisruptionBudget's status current, and the real kubectl drain
// evicts through it: one pod at a time while the budget allows, refused (and retried) once it does not.
public sealed class DisruptionControllerTests
{
    [Fact]
    public async Task Kubectl_drain_evicts_what_the_budget_allows_and_is_refused_past_it()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("drain");
        var client = cluster.Client;
        // Pinned to one node: once it is cordoned the replacement cannot schedule, so the budget runs out.
        var deployment = TestCluster.Deployment("web", "example.com/web:1", 3);
        deployment.Spec.Template.Spec.NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "gpu-node-0" };
        await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);
        await client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } },
        }, ns);

        var healthy = await TestCluster.UntilAsync(async () =>
        {
            var pdb = await client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", ns);
            return pdb.Status is { CurrentHealthy: 3, DisruptionsAllowed: 1 } ? pdb : null;
        }, "the budget to see 3 healthy pods");
        Assert.Equal((3, 2, healthy.Metadata.Generation), (healthy.Status.ExpectedPods, healthy.Status.DesiredHealthy, healthy.Status.ObservedGeneration));
        Assert.Contains(healthy.Status.Conditions, c => c is { Type: "DisruptionAllowed", Status: "True", Reason: "SufficientPods" });

        var (code, output) = cluster.Kubectl("drain", "gpu-node-0", "--ignore-daemonsets", "--timeout=8s");

        Assert.NotEqual(0, code);
        Assert.Contains("Cannot evict pod as it would violate the pod's disruption budget.", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n'), l => l.EndsWith(" evicted", StringComparison.Ordinal));
        var spent = await TestCluster.UntilAsync(async () =>
        {
            var pdb = await client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", ns);
            return pdb.Status is { CurrentHealthy: 2, DisruptionsAllowed: 0 } ? pdb : null;
        }, "the budget to see the eviction");
        Assert.Contains(spent.Status.Conditions, c => c is { Type: "DisruptionAllowed", Status: "False", Reason: "InsufficientPods" });
        var pods = (await client.CoreV1.ListNamespacedPodAsync(ns)).Items;
        Assert.Equal(2, pods.Count(p => p.Spec.NodeName == "gpu-node-0" && p.Metadata.DeletionTimestamp is null));
        Assert.Single(pods, p => p.Spec.NodeName is null);

        var (_, table) = cluster.Kubectl("get", "pdb", "web", "-n", ns);
        Assert.Matches(@"web\s+N/A\s+1\s+0\s+", table);
    }
}
