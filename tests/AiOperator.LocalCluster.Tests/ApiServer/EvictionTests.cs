using System.Net;
using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

// pods/eviction, as kubectl drain uses it: a PodDisruptionBudget that allows a disruption is spent in the
// same step as the delete; one that does not gets 429 with the budget's words; everything else is a delete.
public sealed class EvictionTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private static V1Eviction Eviction(string pod) => new() { Metadata = new V1ObjectMeta { Name = pod } };

    private async Task<string> ServingPodsAsync(int allowed, params string[] names)
    {
        var ns = await fixture.NewNamespaceAsync();
        foreach (var name in names)
        {
            var pod = Pods.Simple(name, null);
            pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = "web" };
            var created = await fixture.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
            created.Status = new V1PodStatus { Phase = "Running", Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }] };
            await fixture.Client.CoreV1.ReplaceNamespacedPodStatusAsync(created, name, ns);
        }

        var pdb = await fixture.Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } },
        }, ns);
        // What the disruption controller would write; this fixture runs the API server alone.
        pdb.Status = new V1PodDisruptionBudgetStatus
        {
            ObservedGeneration = pdb.Metadata.Generation,
            ExpectedPods = names.Length,
            DesiredHealthy = names.Length - allowed,
            CurrentHealthy = names.Length,
            DisruptionsAllowed = allowed,
        };
        await fixture.Client.PolicyV1.ReplaceNamespacedPodDisruptionBudgetStatusAsync(pdb, "web", ns);
        return ns;
    }

    [Fact]
    public async Task An_eviction_the_budget_allows_deletes_the_pod_and_spends_the_budget_and_the_next_one_is_refused()
    {
        var ns = await ServingPodsAsync(1, "a", "b");

        await fixture.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("a"), "a", ns);

        Assert.DoesNotContain((await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items, p => p.Metadata.Name == "a");
        var pdb = await fixture.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", ns);
        Assert.Equal(0, pdb.Status.DisruptionsAllowed);
        Assert.Contains("a", pdb.Status.DisruptedPods.Keys);

        var (code, status) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("b"), "b", ns));
        Assert.Equal(429, code);
        Assert.Equal("TooManyRequests", (string?)status["reason"]);
        Assert.Equal("Cannot evict pod as it would violate the pod's disruption budget.", (string?)status["message"]);
        var cause = status["details"]!["causes"]![0]!;
        Assert.Equal("DisruptionBudget", (string?)cause["reason"]);
        Assert.Equal("The disruption budget web needs 1 healthy pods and has 2 currently", (string?)cause["message"]);
        Assert.Contains((await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items, p => p.Metadata.Name == "b");
    }

    [Fact]
    public async Task A_dry_run_eviction_changes_nothing()
    {
        var ns = await ServingPodsAsync(1, "a", "b");

        await fixture.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("a"), "a", ns, dryRun: "All");

        Assert.Equal(2, (await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count);
        Assert.Equal(1, (await fixture.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", ns)).Status.DisruptionsAllowed);
    }

    [Fact]
    public async Task A_pod_no_budget_covers_or_one_that_is_not_running_yet_is_evicted_without_asking_the_budget()
    {
        var ns = await ServingPodsAsync(0, "a");
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("pending", null), ns);
        var loose = Pods.Simple("loose", null);
        loose.Metadata.Labels = new Dictionary<string, string> { ["app"] = "other" };
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(loose, ns);
        var pendingWeb = Pods.Simple("pending-web", null);
        pendingWeb.Metadata.Labels = new Dictionary<string, string> { ["app"] = "web" };
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(pendingWeb, ns);

        await fixture.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("loose"), "loose", ns);
        await fixture.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("pending-web"), "pending-web", ns);
        var (code, _) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("a"), "a", ns));

        Assert.Equal(429, code);
        Assert.Equal(["a", "pending"], (await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Select(p => p.Metadata.Name).Order());
    }

    [Fact]
    public async Task Bad_evictions_are_refused_with_the_request_part_named()
    {
        var ns = await ServingPodsAsync(1, "a");

        var (missing, _) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("ghost"), "ghost", ns));
        var (mismatch, status) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("b"), "a", ns));
        using var get = await fixture.Http.GetAsync(new Uri($"/api/v1/namespaces/{ns}/pods/a/eviction", UriKind.Relative));

        Assert.Equal(404, missing);
        Assert.Equal(400, mismatch);
        Assert.Contains("name in URL does not match name in Eviction object", (string?)status["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Single((await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items);
    }
}
