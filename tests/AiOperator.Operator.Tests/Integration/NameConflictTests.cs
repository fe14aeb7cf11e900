using AiOperator.Api.V1Alpha1;
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

        // Pods may serve, but clients at status.url reach someone else's Service: not Ready.
        var held = Conditions.Find((await mds.GetAsync(ns, "m")).Status?.Conditions, "Ready");
        Assert.Equal(("False", "NameConflict"), (held?.Status, held?.Reason));

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

    [Fact]
    public async Task A_service_name_held_by_another_owner_in_the_cache_is_not_ready_and_recovers_by_itself_once_freed()
    {
        // Labelled as ours but owned by another object (a TrainingJob's rendezvous Service "<job>-workers" can hold
        // the name of a ModelDeployment called so): in the cache, so found before any write. Its deletion is an
        // event for its owner, not for this ModelDeployment.
        var ns = await fixture.NewNamespaceAsync("heldsvc");
        await fixture.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "job-workers", Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "aioperator" } },
            Spec = new V1ServiceSpec { ClusterIP = "None", Ports = [new V1ServicePort { Port = 29500 }] },
        }, ns);
        await using var op = RunningOperator.Start(fixture.Config, "heldsvc", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(fixture.Client);
        await mds.CreateAsync(ModelDeploymentClient.New(ns, "job-workers", replicas: 1, gpus: 0));

        await Wait.UntilAsync(async () =>
            (await mds.GetAsync(ns, "job-workers")).Status is { } status
            && Conditions.Find(status.Conditions, "ChildrenSynced") is { Status: "False", Reason: "NameConflict" }
            && Conditions.Find(status.Conditions, "Ready") is { Status: "False", Reason: "NameConflict" }
            && (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Any(d => d.Status?.ReadyReplicas >= 1),
            Deadline, "pods ready, yet Ready=False NameConflict");
        Assert.NotEqual(ModelDeploymentPhase.Ready, (await mds.GetAsync(ns, "job-workers")).Status!.Phase);

        await fixture.Client.CoreV1.DeleteNamespacedServiceAsync("job-workers", ns);
        var ready = await DeployPathTests.WaitReadyAsync(mds, ns, "job-workers", 1);
        Assert.Null(Conditions.Find(ready.Status!.Conditions, "ChildrenSynced"));
        var ours = await fixture.Client.CoreV1.ReadNamespacedServiceAsync("job-workers", ns);
        Assert.Equal("job-workers", Assert.Single(ours.Metadata.OwnerReferences).Name);
    }

    [Fact]
    public async Task A_canary_service_name_held_by_another_model_deployment_is_a_condition_told_once_only_while_needed()
    {
        // "m-canary" is a ModelDeployment of its own, so its Service (labelled, in the operator's cache) holds
        // the name of m's canary Service. At rest m needs no canary Service: nothing to report.
        var ns = await fixture.NewNamespaceAsync("canaryname");
        await using var op = RunningOperator.Start(fixture.Config, "canaryname", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(fixture.Client);
        await mds.CreateAsync(ModelDeploymentClient.New(ns, "m-canary", replicas: 1, gpus: 0));
        var m = ModelDeploymentClient.New(ns, "m", replicas: 2, gpus: 0);
        m.Spec.Rollout = new RolloutSpec { Steps = [new RolloutStep { Weight = 50, PauseSeconds = 600 }] };
        await mds.CreateAsync(m);
        var ready = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 2);
        await DeployPathTests.WaitReadyAsync(mds, ns, "m-canary", 1);
        Assert.Null(Conditions.Find(ready.Status!.Conditions, "ChildrenSynced"));

        // An upgrade needs the name: ChildrenSynced=False names the Service; the rollout goes on, and its own Events are not crowded out.
        await mds.PatchAsync(ns, "m", """{"spec":{"model":{"version":"2","uri":"pvc://models/m/2/model.onnx"}}}""");
        await Wait.UntilAsync(async () =>
        {
            var md = await mds.GetAsync(ns, "m");
            var synced = Conditions.Find(md.Status?.Conditions, "ChildrenSynced");
            return !string.IsNullOrEmpty(md.Status?.CanaryRevision) && synced is { Status: "False", Reason: "NameConflict" }
                && synced.Message.Contains("Service m-canary", StringComparison.Ordinal);
        }, Deadline, "a canary and ChildrenSynced=False NameConflict naming Service m-canary");
        await ClusterEvents.WaitForReasonsAsync(fixture.Client, ns, "CanaryStarted", "NameConflict");

        // Reconciles go on (pods, status); the Event is told once, not on each of them.
        await mds.PatchAsync(ns, "m", """{"metadata":{"labels":{"touched":"1"}}}""");
        await mds.PatchAsync(ns, "m", """{"metadata":{"labels":{"touched":"2"}}}""");
        await mds.PatchAsync(ns, "m", """{"metadata":{"annotations":{"aioperator.dev/promote":"full"}}}""");
        await Wait.UntilAsync(async () => await mds.GetAsync(ns, "m") is { Status.Phase: ModelDeploymentPhase.Ready } md
            && md.Status.StableRevision != ready.Status.StableRevision, Deadline, "the canary promoted");
        var events = await ClusterEvents.WaitForReasonsAsync(fixture.Client, ns, "Promoted");
        var told = events.Where(e => e.InvolvedObject.Name == "m" && e.Reason == "NameConflict").ToList();
        Assert.Equal(1, told.Sum(e => e.Count ?? 1));

        // Promoted: no canary Service is needed any more, and the condition clears.
        await Wait.UntilAsync(async () => Conditions.Find((await mds.GetAsync(ns, "m")).Status?.Conditions, "ChildrenSynced") is null,
            Deadline, "the condition cleared once the canary Service is no longer needed");
        Assert.Contains((await fixture.Client.CoreV1.ListNamespacedServiceAsync(ns)).Items, s => s.Metadata.Name == "m-canary"
            && s.Metadata.Labels?["aioperator.dev/model-deployment"] == "m-canary");
    }

    private int ServiceCreates(string ns, int code) =>
        fixture.Cluster.ApiServer.Requests.Snapshot().Count(r => r.Resource == "services" && r.Verb == "create" && r.Namespace == ns && r.StatusCode == code);
}
