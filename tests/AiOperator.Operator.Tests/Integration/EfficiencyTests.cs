using AiOperator.LocalCluster.ApiServer;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>What the operator asks of the API server, read from the server's own request log.</summary>
[Collection(OperatorClusterCollection.Name)]
public sealed class EfficiencyTests(OperatorCluster fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task First_convergence_writes_only_children_and_status_and_noop_reconciles_and_resyncs_write_nothing()
    {
        var ns = await fixture.NewNamespaceAsync("efficiency");
        await using var op = RunningOperator.Start(fixture.Config, "efficient", namespaces: [ns], resync: TimeSpan.FromSeconds(1));
        using var mds = new ModelDeploymentClient(fixture.Client);
        await Wait.UntilAsync(() => op.Host.IsLeader, Deadline, "operator started");

        await mds.CreateAsync(ModelDeploymentClient.New(ns, "m", replicas: 2));
        await DeployPathTests.WaitReadyAsync(mds, ns, "m", 2);

        var mine = Operator(op, ns);
        var childCreates = mine.Where(r => r.Verb == "create" && r.Resource is "deployments" or "services" or "poddisruptionbudgets").ToList();
        Assert.Equal(["deployments", "poddisruptionbudgets", "services"], childCreates.Select(r => r.Resource).Order());
        Assert.DoesNotContain(mine, r => r.IsWrite && r.Resource is "deployments" or "services" or "poddisruptionbudgets" && r.Verb != "create");
        Assert.All(mine.Where(r => r.IsWrite && r.Resource == "modeldeployments"), r => Assert.Equal("status", r.Subresource));
        Assert.DoesNotContain(mine, r => r.Verb == "get" && r.Resource is not ("customresourcedefinitions" or "leases"));

        // Let first convergence finish before the log is cleared: the "Ready" Event is queued when Ready is written and
        // posted in the background, a status write may follow the Deployment's status one event behind, and the server
        // logs a write only after answering it, so any of them can land after Ready is seen. Writes that never stop
        // still fail here, by the deadline.
        await Wait.UntilAsync(() =>
        {
            var lastWrite = Operator(op, ns).Where(r => r.IsWrite).Select(r => r.Time).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
            return DateTimeOffset.UtcNow - lastWrite > TimeSpan.FromSeconds(2);
        }, Deadline, "no operator write for 2 s");

        // Steady state: resyncs (every second here) and an unrelated label change reconcile without writing.
        fixture.Cluster.ApiServer.Requests.Clear();
        var before = op.Reconciles;
        await mds.PatchAsync(ns, "m", """{"metadata":{"labels":{"team":"vision"}}}""");
        await Wait.UntilAsync(() => op.Reconciles >= before + 3, Deadline, "three more reconciles");

        var writes = Operator(op, ns).Where(r => r.IsWrite).ToList();
        Assert.True(writes.Count == 0, "no-op reconciles wrote: " + string.Join(", ", writes.Select(w => $"{w.Verb} {w.Resource}/{w.Name}/{w.Subresource}")));
        Assert.DoesNotContain(Operator(op, ns), r => r.Verb == "get" && r.Resource is not ("customresourcedefinitions" or "leases"));
    }

    private List<RequestRecord> Operator(RunningOperator op, string ns) =>
        [.. fixture.Cluster.ApiServer.Requests.Snapshot()
            .Where(r => r.UserAgent.StartsWith(op.UserAgent, StringComparison.Ordinal) && (r.Namespace == ns || r.Namespace.Length == 0))];
}
