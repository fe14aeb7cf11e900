using k8s;
using AiOperator.Api.V1Alpha1;
using k8s.Models;

namespace AiOperator.Operator.Tests.Integration;

[Collection(OperatorClusterCollection.Name)]
public sealed class ResilienceTests(OperatorCluster fixture)
{
    [Fact]
    public async Task Restarted_operator_resumes_without_recreating_or_patching_any_child()
    {
        var ns = await fixture.NewNamespaceAsync("restart");
        using var mds = new ModelDeploymentClient(fixture.Client);
        await using (var first = RunningOperator.Start(fixture.Config, "first", namespaces: [ns]))
        {
            for (var i = 0; i < 5; i++)
            {
                await mds.CreateAsync(ModelDeploymentClient.New(ns, $"m{i}", replicas: 2));
            }

            for (var i = 0; i < 5; i++)
            {
                await DeployPathTests.WaitReadyAsync(mds, ns, $"m{i}", 2);
            }
        }

        var uids = await ChildUidsAsync(ns);
        fixture.Cluster.ApiServer.Requests.Clear();
        await using var second = RunningOperator.Start(fixture.Config, "second", namespaces: [ns]);
        await Wait.UntilAsync(() => second.Reconciles >= 5, TimeSpan.FromSeconds(60), "the new operator reconciled every ModelDeployment");

        var writes = fixture.Cluster.ApiServer.Requests.Snapshot()
            .Where(r => r.UserAgent.StartsWith(second.UserAgent, StringComparison.Ordinal) && r.IsWrite && r.Resource is "deployments" or "services" or "poddisruptionbudgets")
            .ToList();
        Assert.True(writes.Count == 0, "children churned: " + string.Join(", ", writes.Select(w => $"{w.Verb} {w.Resource}/{w.Name}")));
        Assert.Equal(uids, await ChildUidsAsync(ns));
    }

    [Fact]
    public async Task Only_the_leader_reconciles_and_a_killed_leader_is_replaced_within_the_lease_duration()
    {
        var ns = await fixture.NewNamespaceAsync("leader");
        using var mds = new ModelDeploymentClient(fixture.Client);
        var a = RunningOperator.Start(fixture.Config, "a", leaderElection: true, namespaces: [ns]);
        await using var b = RunningOperator.Start(fixture.Config, "b", leaderElection: true, namespaces: [ns]);
        try
        {
            await Wait.UntilAsync(() => a.Host.IsLeader || b.Host.IsLeader, TimeSpan.FromSeconds(30), "a leader");
            var (leader, follower) = a.Host.IsLeader ? (a, b) : (b, a);
            Assert.False(follower.Host.IsLeader);

            await mds.CreateAsync(ModelDeploymentClient.New(ns, "one", replicas: 1));
            await DeployPathTests.WaitReadyAsync(mds, ns, "one", 1);
            var lease = await fixture.Client.CoordinationV1.ReadNamespacedLeaseAsync("ai-operator-leader", ns);
            Assert.True(follower.Reconciles == 0,
                $"follower {follower.Identity} reconciled {follower.Reconciles} times (leader {leader.Identity}: {leader.Reconciles}); lease holder {lease.Spec.HolderIdentity}, transitions {lease.Spec.LeaseTransitions}");
            Assert.DoesNotContain(fixture.Cluster.ApiServer.Requests.Snapshot(),
                r => r.UserAgent.StartsWith(follower.UserAgent, StringComparison.Ordinal) && r.IsWrite && r.Resource != "leases");

            // Kill the leader without releasing the lease: the follower must take over once it expires (15 s).
            // The clock starts at the dead leader's last renewal (the lease says when), not at the kill: a slow
            // shutdown on a loaded machine may renew once more, and the lease runs from that renewal.
            await leader.DisposeAsync();
            var lastRenewal = (await fixture.Client.CoordinationV1.ReadNamespacedLeaseAsync("ai-operator-leader", ns)).Spec.RenewTime!.Value;
            await mds.CreateAsync(ModelDeploymentClient.New(ns, "two", replicas: 1));
            await Wait.UntilAsync(() => follower.Host.IsLeader, TimeSpan.FromSeconds(30), "the follower to lead");
            var handover = DateTime.UtcNow - DateTime.SpecifyKind(lastRenewal, DateTimeKind.Utc);   // as KubeLeaseStore reads it
            Assert.True(handover <= TimeSpan.FromSeconds(15 + 2 + 3), $"handover took {handover.TotalSeconds:0.0}s after the last renewal, more than lease duration + retry period");
            await DeployPathTests.WaitReadyAsync(mds, ns, "two", 1);
        }
        finally
        {
            await a.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_hundred_model_deployments_converge_through_failing_writes_and_dropped_watches_with_no_duplicate_child()
    {
        var ns = await fixture.NewNamespaceAsync("faults");
        using var mds = new ModelDeploymentClient(fixture.Client);
        var faults = fixture.Cluster.ApiServer.Faults;
        await using var op = RunningOperator.Start(fixture.Config, "chaos", namespaces: [ns]);
        var count = int.TryParse(Environment.GetEnvironmentVariable("AIOP_FAULT_TEST_COUNT"), out var c) ? c : 200;
        try
        {
            faults.AddErrors(0.05, 500, verb: "create");
            faults.AddErrors(0.05, 500, verb: "patch");
            faults.AddErrors(0.05, 429, verb: "create", retryAfterSeconds: 1);
            faults.AddErrors(0.05, 429, verb: "patch", retryAfterSeconds: 1);
            faults.DropWatchesEvery(TimeSpan.FromSeconds(3));

            for (var i = 0; i < count; i++)
            {
                var md = ModelDeploymentClient.New(ns, $"m{i:000}", replicas: 1, gpus: 0);
                await Retry(() => mds.CreateAsync(md));
            }

            var summary = "";
            try
            {
                await Wait.UntilAsync(async () =>
                {
                    var all = await mds.ListAsync(ns);
                    summary = string.Join(", ", all.GroupBy(m => m.Status?.Phase?.ToString() ?? "none").Select(g => $"{g.Key}={g.Count()}"));
                    return all.Count == count && all.All(m => m.Status?.Phase == ModelDeploymentPhase.Ready && m.Status.ObservedGeneration == m.Metadata.Generation);
                }, TimeSpan.FromMinutes(4), $"{count} ModelDeployments Ready under faults");
            }
            catch (TimeoutException e)
            {
                var pods = (await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items;
                var podSummary = string.Join(", ", pods.GroupBy(p => p.Status?.Phase ?? "none").Select(g => $"{g.Key}={g.Count()}"));
                // What each stuck one shows, so a failure says where convergence stopped.
                var deploymentsNow = (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items;
                var stuck = (await mds.ListAsync(ns)).Where(m => m.Status?.Phase != ModelDeploymentPhase.Ready || m.Status.ObservedGeneration != m.Metadata.Generation).Take(5)
                    .Select(m => $"{m.Metadata.Name} (generation {m.Metadata.Generation}, observed {m.Status?.ObservedGeneration}, "
                        + string.Join("; ", m.Status?.Conditions?.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}") ?? [])
                        + "; deployments: " + string.Join(", ", deploymentsNow.Where(d => d.Metadata.Labels != null && d.Metadata.Labels.TryGetValue("aioperator.dev/model-deployment", out var owner) && owner == m.Metadata.Name)
                            .Select(d => $"{d.Metadata.Name} {d.Status?.ReadyReplicas ?? 0}/{d.Spec.Replicas} ready, observed {d.Status?.ObservedGeneration}/{d.Metadata.Generation}"))
                        + ")");
                throw new TimeoutException($"{e.Message}; phases: {summary}; pods: {pods.Count} ({podSummary}); reconciles {op.Reconciles}; not ready: {string.Join(" | ", stuck)}", e);
            }
            Assert.True(faults.InjectedErrors > 0, "no fault was injected: the test proved nothing");
        }
        finally
        {
            faults.Clear();
        }

        var deployments = (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items;
        var services = (await fixture.Client.CoreV1.ListNamespacedServiceAsync(ns)).Items;
        Assert.Equal(count, deployments.Count);
        Assert.Equal(count, deployments.Select(d => d.Metadata.Labels["aioperator.dev/model-deployment"]).Distinct().Count());
        Assert.Equal(count, services.Count);
        Assert.Empty((await fixture.Client.PolicyV1.ListNamespacedPodDisruptionBudgetAsync(ns)).Items);
    }

    private async Task<List<string>> ChildUidsAsync(string ns) =>
    [
        .. (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Select(d => d.Metadata.Uid),
        .. (await fixture.Client.CoreV1.ListNamespacedServiceAsync(ns)).Items.Select(d => d.Metadata.Uid),
        .. (await fixture.Client.PolicyV1.ListNamespacedPodDisruptionBudgetAsync(ns)).Items.Select(d => d.Metadata.Uid),
    ];

    // The test's own client meets the injected faults too; it retries like kubectl's user would.
    private static async Task Retry(Func<Task> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (attempt < 20 && (int)e.Response.StatusCode is 500 or 429)
            {
                await Task.Yield();
            }
        }
    }
}
