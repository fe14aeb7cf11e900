using AiOperator.ControllerRuntime.Reconciliation;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.Integration;

// A Service of the ModelDeployment's name that is not ours (no label, so invisible to the operator's
// label-filtered cache): the create gets 409 AlreadyExists. It must be told, not retried hot forever.
[Collection(OperatorClusterCollection.Name)]
public sealed class NameConflictTests(OperatorCluster fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_same_named_foreign_service_is_reported_as_a_name_conflict_and_retried_calmly_until_it_is_gone()
    {
        var ns = await fixture.NewNamespaceAsync("conflict");
        await fixture.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "m", NamespaceProperty = ns },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 8080 }] },
        }, ns);
        await using var op = RunningOperator.Start(fixture.Config, "conflict", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(fixture.Client);
        await mds.CreateAsync(ModelDeploymentClient.New(ns, "m", replicas: 1, gpus: 0));

        await Wait.UntilAsync(async () =>
        {
            var synced = Conditions.Find((await mds.GetAsync(ns, "m")).Status?.Conditions, "ChildrenSynced");
            return synced is { Status: "False", Reason: "NameConflict" } && synced.Message.Contains("\"m\"", StringComparison.Ordinal);
        }, Deadline, "ChildrenSynced=False NameConflict naming the service");
        await ClusterEvents.WaitForAsync(fixture.Client, ns, e => e.InvolvedObject.Name == "m" && e.InvolvedObject.Kind == "ModelDeployment" && e.Type == "Warning" && e.Reason == "NameConflict",
            "NameConflict warning on the ModelDeployment");

        // Not hot: the conflict is not counted as a stale-cache conflict retried within milliseconds.
        var conflicts = ServiceCreates(ns, 409);
        await Wait.UntilAsync(async () => (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Any(d => d.Status?.ReadyReplicas >= 1), Deadline, "the deployment still serves");
        Assert.True(ServiceCreates(ns, 409) - conflicts <= 4, $"{ServiceCreates(ns, 409) - conflicts} more creates of the conflicting service while the deployment became ready");

        // The foreign service goes: the next calm retry creates ours, and the condition is cleared.
        var (code, output) = await Kubectl.RunAsync(fixture.Cluster.KubeconfigPath, "delete", "service", "m", "-n", ns);
        Assert.True(code == 0, output);
        await Wait.UntilAsync(async () =>
        {
            var service = (await fixture.Client.CoreV1.ListNamespacedServiceAsync(ns)).Items.SingleOrDefault(s => s.Metadata.Name == "m");
            return service?.Metadata.Labels?.ContainsKey("aioperator.dev/model-deployment") == true
                && Conditions.Find((await mds.GetAsync(ns, "m")).Status?.Conditions, "ChildrenSynced") is null;
        }, Deadline, "our service created and the condition cleared");
    }

    private int ServiceCreates(string ns, int code) =>
        fixture.Cluster.ApiServer.Requests.Snapshot().Count(r => r.Resource == "services" && r.Verb == "create" && r.Namespace == ns && r.StatusCode == code);
}
