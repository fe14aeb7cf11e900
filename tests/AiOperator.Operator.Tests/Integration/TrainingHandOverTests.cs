using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.TrainingJobs;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>spec.model.fromTrainingJob: a ModelDeployment serves the latest job output that passes its gate.</summary>
[Collection(TrainingClusterCollection.Name)]
public sealed class TrainingHandOverTests(TrainingCluster fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Each_output_that_passes_the_gate_is_a_new_revision_and_one_that_fails_leaves_the_served_one()
    {
        var ns = await fixture.NewNamespaceAsync("handover");
        await using var op = RunningOperator.Start(fixture.Config, "handover", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(fixture.Client);
        using var jobs = new TrainingJobClient(fixture.Client);
        var md = ModelDeploymentClient.New(ns, "served", replicas: 1, gpus: 0);
        md.Spec.Model = new ModelSource { Name = "served", FromTrainingJob = new TrainingJobReference { Name = "ft", Gate = new MetricGate { Metric = "accuracy", Min = 0.9 } } };
        // Simulated pods serve no traffic, so a canary's analysis would stay inconclusive: replace revisions whole.
        md.Spec.Rollout = new RolloutSpec { Strategy = RolloutStrategy.Recreate };
        await mds.CreateAsync(md);
        await WaitLoadedAsync(mds, ns, "WaitingForTrainingJob");

        // 1: accuracy 0.5 fails the gate; nothing is served yet.
        await RunJobAsync(jobs, ns, TrainingCluster.ReportsWeak, "1");
        var refused = await WaitLoadedAsync(mds, ns, "GateFailed");
        Assert.Contains("accuracy 0.5 is below the gate's min 0.9", refused.Message, StringComparison.Ordinal);
        Assert.Empty((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);

        // 2: accuracy 0.95 passes: served with the reported checksum and the job's version.
        await RunJobAsync(jobs, ns, TrainingCluster.Reports, "2");
        var ready = await DeployPathTests.WaitReadyAsync(mds, ns, "served", 1);
        Assert.Equal(("pvc://models/ft/model.onnx", "2"), (ready.Status!.AcceptedModel!.Uri, ready.Status.AcceptedModel.Version));
        var first = Assert.Single((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
        var args = first.Spec.Template.Spec.Containers[0].Args;
        Assert.Contains("--model-uri=/models/ft/model.onnx", args);
        Assert.Contains("--model-version=2", args);
        Assert.Contains($"--sha256={TrainingCluster.Sha}", args);
        Assert.StartsWith("2-", ready.Status.StableRevision, StringComparison.Ordinal);

        // 3: a later output that fails the gate leaves revision 2 serving and says why.
        await RunJobAsync(jobs, ns, TrainingCluster.ReportsWeak, "3");
        var gate = await WaitLoadedAsync(mds, ns, "GateFailed");
        Assert.Contains("version 3", gate.Message, StringComparison.Ordinal);
        Assert.Contains("still serving", gate.Message, StringComparison.Ordinal);
        var unchanged = Assert.Single((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
        Assert.Equal(first.Metadata.Name, unchanged.Metadata.Name);
        Assert.Equal("2", (await mds.GetAsync(ns, "served")).Status!.AcceptedModel!.Version);
        await Wait.UntilAsync(async () => (await fixture.Client.CoreV1.ListNamespacedEventAsync(ns)).Items
            .Any(e => e.InvolvedObject.Name == "served" && e.Type == "Warning" && e.Reason == "GateFailed" && e.Message.Contains("version 3", StringComparison.Ordinal)),
            Deadline, "a GateFailed Warning for version 3");

        // 4: the next passing output is the next revision, and it replaces revision 2.
        await RunJobAsync(jobs, ns, TrainingCluster.Reports, "4");
        await Wait.UntilAsync(async () =>
        {
            var current = await mds.GetAsync(ns, "served");
            // Revision 2 stays as history at 0 replicas.
            var serving = (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Where(d => d.Spec.Replicas > 0).ToList();
            return current.Status?.StableRevision?.StartsWith("4-", StringComparison.Ordinal) == true && current.Status.Phase == ModelDeploymentPhase.Ready
                && serving.Count == 1 && serving[0].Metadata.Name != first.Metadata.Name;
        }, Deadline, "revision 4 serving alone");

        // Let the hand-over finish first: revision 2's pods gone, every Deployment's status current, and the
        // operator's last status write about it made (it follows the Deployments' status one event behind).
        await Wait.UntilAsync(async () =>
        {
            var deployments = (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items;
            var pods = (await fixture.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "aioperator.dev/model-deployment=served")).Items;
            var total = deployments.Sum(d => d.Spec.Replicas ?? 0);
            var md = await mds.GetAsync(ns, "served");
            return deployments.All(d => d.Status?.ObservedGeneration == d.Metadata.Generation && (d.Status?.Replicas ?? 0) == (d.Spec.Replicas ?? 0)
                    && (d.Status?.ReadyReplicas ?? 0) == (d.Spec.Replicas ?? 0))
                && pods.Count == total
                && md.Status is { } status && status.ObservedGeneration == md.Metadata.Generation && status.Replicas == total && status.ReadyReplicas == total;
        }, Deadline, "the hand-over settled");
        await Wait.UntilAsync(() =>
        {
            var lastWrite = fixture.Cluster.ApiServer.Requests.Snapshot()
                .Where(r => r.UserAgent.StartsWith(op.UserAgent, StringComparison.Ordinal) && r.Namespace == ns && r.IsWrite && r.Resource != "events")
                .Select(r => r.Time).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
            return DateTimeOffset.UtcNow - lastWrite > TimeSpan.FromSeconds(2);
        }, Deadline, "no operator write for 2 s");

        // Steady state: a change to the job wakes both controllers, and neither writes to any object. (Events of the
        // rollout just finished are flushed in the background and may land after the log is cleared: not counted.)
        fixture.Cluster.ApiServer.Requests.Clear();
        var (mdBefore, tjBefore) = (op.Reconciles, op.ReconcilesOf(TrainingJobController.Name));
        await jobs.PatchAsync(ns, "ft", """{"metadata":{"labels":{"team":"vision"}}}""");
        await Wait.UntilAsync(() => op.Reconciles > mdBefore && op.ReconcilesOf(TrainingJobController.Name) > tjBefore, Deadline, "both controllers reconciled");
        var writes = fixture.Cluster.ApiServer.Requests.Snapshot()
            .Where(r => r.UserAgent.StartsWith(op.UserAgent, StringComparison.Ordinal) && r.Namespace == ns && r.IsWrite && r.Resource != "events").ToList();
        Assert.True(writes.Count == 0, "no-op reconciles wrote: " + string.Join(", ", writes.Select(w => $"{w.Verb} {w.Resource}/{w.Name}/{w.Subresource}")));
    }

    // The job named ft, run to success with the given image and output version (replacing the previous ft).
    private static async Task RunJobAsync(TrainingJobClient jobs, string ns, string image, string version)
    {
        if (await jobs.TryGetAsync(ns, "ft") is not null)
        {
            await jobs.DeleteAsync(ns, "ft");
            await Wait.UntilAsync(async () => await jobs.TryGetAsync(ns, "ft") is null, Deadline, "previous job gone");
        }

        var job = TrainingJobClient.New(ns, "ft", image, workers: 2);
        job.Spec.Output!.ModelVersion = version;
        await jobs.CreateAsync(job);
        await TrainingJobTests.WaitAsync(jobs, ns, "ft", j => j.Status?.Phase == TrainingJobPhase.Succeeded, $"job {version} Succeeded");
    }

    private static async Task<V1Condition> WaitLoadedAsync(ModelDeploymentClient mds, string ns, string reason)
    {
        V1Condition? found = null;
        await Wait.UntilAsync(async () =>
        {
            found = Conditions.Find((await mds.GetAsync(ns, "served")).Status?.Conditions, "ModelLoaded");
            return found?.Reason == reason;
        }, Deadline, $"ModelLoaded reason {reason}");
        return found!;
    }
}
