using AiOperator.LocalCluster.ApiServer;
using AiOperator.Operator.Rbac;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.Integration;

// Grants equal use: the operator runs a ModelDeployment through its life (leader election, readiness,
// create, drift repair, scale, new revision, budget removal) and every request it made must be allowed by
// the rules in code; every granted verb must have been used, or say why it is kept.
[Collection(OperatorClusterCollection.Name)]
public sealed class RbacTests(OperatorCluster fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Every_request_of_the_operator_is_granted_and_every_grant_is_used_or_explained()
    {
        var ns = await fixture.NewNamespaceAsync("rbac");
        await using var op = RunningOperator.Start(fixture.Config, "rbac", leaderElection: true, namespaces: [ns]);
        using var mds = new ModelDeploymentClient(fixture.Client);
        await Wait.UntilAsync(async () => (await op.Host.ReadinessAsync(CancellationToken.None)).Healthy, Deadline, "operator ready (CRDs found)");
        await mds.CreateAsync(ModelDeploymentClient.New(ns, "m", replicas: 2, gpus: 0));
        await DeployPathTests.WaitReadyAsync(mds, ns, "m", 2);

        // Someone edits the children: the operator puts them back.
        await fixture.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"spec":{"ports":[{"name":"http","port":81,"targetPort":"http","protocol":"TCP"}]}}""", V1Patch.PatchType.MergePatch), "m", ns);
        await fixture.Client.PolicyV1.PatchNamespacedPodDisruptionBudgetAsync(new V1Patch("""{"spec":{"maxUnavailable":2}}""", V1Patch.PatchType.MergePatch), "m", ns);
        await Wait.UntilAsync(async () => (await fixture.Client.CoreV1.ReadNamespacedServiceAsync("m", ns)).Spec.Ports[0].Port == 80
            && (await fixture.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("m", ns)).Spec.MaxUnavailable.Value == "1", Deadline, "children repaired");

        // A new revision replaces the old one (Recreate: simulated pods serve no traffic for a canary's analysis);
        // the old Deployment stays as history at 0 replicas; one replica needs no budget.
        await mds.PatchAsync(ns, "m", """{"spec":{"model":{"version":"2"},"replicas":1,"rollout":{"strategy":"Recreate"}}}""");
        await Wait.UntilAsync(async () => (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Count(d => d.Spec.Replicas > 0) == 1
            && (await fixture.Client.PolicyV1.ListNamespacedPodDisruptionBudgetAsync(ns)).Items.Count == 0, Deadline, "old revision scaled away and budget removed");
        await DeployPathTests.WaitReadyAsync(mds, ns, "m", 1);

        // History past revisionHistoryLimit is deleted: revision 1 goes once revision 3 exists.
        await mds.PatchAsync(ns, "m", """{"spec":{"model":{"version":"3"},"revisionHistoryLimit":1}}""");
        await Wait.UntilAsync(async () => !(await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Any(d => d.Metadata.Name.StartsWith("m-1-", StringComparison.Ordinal)),
            Deadline, "revision 1 trimmed from history");

        // The leader renews its lease.
        await Wait.UntilAsync(() => Task.FromResult(fixture.Cluster.ApiServer.Requests.Snapshot()
            .Any(r => r.UserAgent.StartsWith(op.UserAgent, StringComparison.Ordinal) && r.Resource == "leases" && r.Verb == "update")), Deadline, "a lease renewal");

        var requests = fixture.Cluster.ApiServer.Requests.Snapshot().Where(r => r.UserAgent.StartsWith(op.UserAgent, StringComparison.Ordinal)).ToList();
        var rules = OperatorRbac.Manager.Concat(OperatorRbac.LeaderElection).ToList();
        var denied = requests.Where(r => !rules.Any(rule => rule.Allows(r.Group, Resource(r), r.Verb, r.Name))).Select(Describe).Distinct().ToList();
        Assert.True(denied.Count == 0, "requests no rule allows: " + string.Join(", ", denied));

        var unused = new List<string>();
        foreach (var rule in rules.Where(r => r.Why is null))
        {
            foreach (var resource in rule.Resources)
            {
                foreach (var verb in rule.Verbs)
                {
                    if (!requests.Any(r => rule.ApiGroups.Contains(r.Group) && Resource(r) == resource && r.Verb == verb))
                    {
                        unused.Add($"{verb} {resource}");
                    }
                }
            }
        }

        Assert.True(unused.Count == 0, "granted but never used (drop them, or say why they are kept): " + string.Join(", ", unused));
    }

    private static string Resource(RequestRecord r) => string.IsNullOrEmpty(r.Subresource) ? r.Resource : $"{r.Resource}/{r.Subresource}";

    private static string Describe(RequestRecord r) => $"{r.Verb} {(r.Group.Length == 0 ? "" : r.Group + "/")}{Resource(r)}{(r.Name.Length == 0 ? "" : " " + r.Name)}";
}
