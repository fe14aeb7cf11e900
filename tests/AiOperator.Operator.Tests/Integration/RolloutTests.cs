using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>Progressive rollout on the local cluster with a scripted metrics window driving the analysis.</summary>
[Collection(OperatorClusterCollection.Name)]
public sealed class RolloutTests(OperatorCluster fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private const string V2Patch = """{"spec":{"model":{"version":"2","uri":"pvc://models/m/2/model.onnx"}}}""";

    [Fact]
    public async Task A_good_upgrade_walks_every_step_keeps_the_total_serving_and_promotes()
    {
        var metrics = new ScriptedRevisionMetrics();
        metrics.Set("2-", ScriptedRevisionMetrics.Healthy);
        var (ns, mds, op) = await StartAsync("good", metrics, pauseSeconds: 2);
        await using (op)
        {
            var first = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 2);
            await mds.PatchAsync(ns, "m", V2Patch);

            var steps = new HashSet<int>();
            var minReady = int.MaxValue;
            var sawCanaryService = false;
            ModelDeployment? md = null;
            await Wait.UntilAsync(async () =>
            {
                md = await mds.GetAsync(ns, "m");
                var deployments = (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items;
                minReady = Math.Min(minReady, deployments.Sum(d => d.Status?.ReadyReplicas ?? 0));
                if (!string.IsNullOrEmpty(md.Status?.CanaryRevision))
                {
                    steps.Add(md.Status.CurrentStep ?? -1);
                    sawCanaryService |= (await fixture.Client.CoreV1.ListNamespacedServiceAsync(ns)).Items.Any(s => s.Metadata.Name == "m-canary");
                }

                return md.Status?.Phase == ModelDeploymentPhase.Ready && md.Status.StableRevision != first.Status!.StableRevision;
            }, Deadline, "revision 2 promoted and Ready");

            Assert.Equal([0, 1], steps.Order());
            Assert.True(minReady >= 2, $"ready replicas dropped to {minReady} during the rollout");
            Assert.True(sawCanaryService, "the m-canary Service existed while the canary ran");
            Assert.StartsWith("2-", md!.Status!.StableRevision, StringComparison.Ordinal);
            Assert.Equal([RevisionOutcome.Stable, RevisionOutcome.Superseded], md.Status.Revisions!.Select(r => r.Outcome!.Value));
            Assert.Equal(AnalysisResult.Passed, md.Status.LastAnalysis!.Result);

            // The superseded revision stays as history at zero; the canary Service is gone.
            await Wait.UntilAsync(async () =>
            {
                var old = await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync("m-" + first.Status!.StableRevision, ns);
                var services = (await fixture.Client.CoreV1.ListNamespacedServiceAsync(ns)).Items;
                return old.Spec.Replicas == 0 && services.All(s => s.Metadata.Name != "m-canary");
            }, Deadline, "old revision at 0 replicas and no canary Service");
            var told = await ClusterEvents.WaitForReasonsAsync(fixture.Client, ns, "CanaryStarted", "CanaryStep", "Promoted");

            // One start, told once: a reconcile on a stale copy of the object must not tell it again.
            Assert.Equal(1, told.Where(e => e.Reason == "CanaryStarted").Sum(e => e.Count ?? 1));
        }
    }

    [Fact]
    public async Task A_failing_analysis_rolls_back_automatically_and_says_why()
    {
        var metrics = new ScriptedRevisionMetrics();
        metrics.Set("2-", ScriptedRevisionMetrics.Failing);
        var (ns, mds, op) = await StartAsync("badcanary", metrics, pauseSeconds: 30);
        await using (op)
        {
            var first = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 2);
            await mds.PatchAsync(ns, "m", V2Patch);
            var md = await WaitPhaseAsync(mds, ns, ModelDeploymentPhase.RolledBack);

            Assert.Equal(first.Status!.StableRevision, md.Status!.StableRevision);
            Assert.Null(md.Status.CanaryRevision);
            Assert.Equal((0, 0), (md.Status.CanaryWeight ?? 0, md.Status.CurrentStep ?? 0));
            Assert.Equal("error rate 0.31 > 0.01 at step 1 (2 of 2 failed)", md.Status.LastRollback!.Reason);
            Assert.StartsWith("2-", md.Status.LastRollback.From, StringComparison.Ordinal);
            var ready = Conditions.Find(md.Status.Conditions, "Ready")!;
            Assert.Equal(("False", "RolledBack"), (ready.Status, ready.Reason));
            Assert.True(Conditions.IsTrue(md.Status.Conditions, "Degraded"));
            Assert.True(Conditions.IsTrue(md.Status.Conditions, "RolledBack"));
            Assert.Equal(RevisionOutcome.Failed, md.Status.Revisions![0].Outcome);
            Assert.Equal("2", md.Spec.Model.Version);

            await Wait.UntilAsync(async () =>
            {
                var canary = await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync("m-" + md.Status.LastRollback.From, ns);
                var stable = await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync("m-" + md.Status.StableRevision, ns);
                return canary.Spec.Replicas == 0 && stable.Spec.Replicas == 2 && stable.Status?.ReadyReplicas == 2;
            }, Deadline, "canary at 0 and stable back at full size");
            await ClusterEvents.WaitForAsync(fixture.Client, ns, e => e.Reason == "RolledBack" && e.Type == "Warning" && e.Message.Contains("error rate 0.31", StringComparison.Ordinal),
                "RolledBack warning naming the error rate");

            // Never retried while the spec still names it: a later reconcile (an unrelated label) starts no canary.
            var reconciles = op.Reconciles;
            await mds.PatchAsync(ns, "m", """{"metadata":{"labels":{"team":"vision"}}}""");
            await Wait.UntilAsync(() => op.Reconciles > reconciles, Deadline, "another reconcile");
            var after = await mds.GetAsync(ns, "m");
            Assert.Null(after.Status!.CanaryRevision);
            Assert.Equal(ModelDeploymentPhase.RolledBack, after.Status.Phase);
        }
    }

    [Fact]
    public async Task A_canary_that_never_gets_its_gpus_is_reported_and_rolled_back_at_the_progress_deadline()
    {
        var (ns, mds, op) = await StartAsync("deadline", new ScriptedRevisionMetrics(), pauseSeconds: 30, progressDeadlineSeconds: 5);
        await using (op)
        {
            var first = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 2);

            // 16 GPUs per pod exist on no node: the canary's pod stays Pending.
            await mds.PatchAsync(ns, "m", """{"spec":{"resources":{"gpu":{"count":16}}}}""");
            await Wait.UntilAsync(async () =>
            {
                var md = await mds.GetAsync(ns, "m");
                return Conditions.Find(md.Status?.Conditions, "Progressing")?.Reason == "InsufficientGpuForCanary";
            }, Deadline, "Progressing says no GPUs exist for one canary pod");

            var rolledBack = await WaitPhaseAsync(mds, ns, ModelDeploymentPhase.RolledBack);
            Assert.Equal(first.Status!.StableRevision, rolledBack.Status!.StableRevision);
            Assert.StartsWith("canary not ready within 5s at step 1: 0/1 pods ready", rolledBack.Status.LastRollback!.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Reverting_the_spec_mid_rollout_rolls_back_by_hash_without_a_new_canary()
    {
        var metrics = new ScriptedRevisionMetrics();
        metrics.Set("2-", ScriptedRevisionMetrics.Healthy);
        var (ns, mds, op) = await StartAsync("revert", metrics, pauseSeconds: 600);
        await using (op)
        {
            var first = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 2);
            await mds.PatchAsync(ns, "m", V2Patch);
            await WaitCanaryAsync(mds, ns, step: 0);

            await mds.PatchAsync(ns, "m", """{"spec":{"model":{"version":"1","uri":"pvc://models/m/1/model.onnx"}}}""");
            var md = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 2);
            Assert.Equal(first.Status!.StableRevision, md.Status!.StableRevision);
            Assert.Null(md.Status.CanaryRevision);
            Assert.Equal($"spec reverted to the stable revision {first.Status.StableRevision}", md.Status.LastRollback!.Reason);
            Assert.True(Conditions.IsTrue(md.Status.Conditions, "RolledBack"));
            Assert.Equal(2, (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Count);
        }
    }

    [Fact]
    public async Task The_rollback_to_annotation_restores_a_revision_from_history_and_is_removed()
    {
        var metrics = new ScriptedRevisionMetrics();
        metrics.Set("2-", ScriptedRevisionMetrics.Healthy);
        var (ns, mds, op) = await StartAsync("rollbackto", metrics, pauseSeconds: 600);
        await using (op)
        {
            var first = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 2);
            await mds.PatchAsync(ns, "m", V2Patch);
            await WaitCanaryAsync(mds, ns, step: 0);
            await AnnotateAsync(mds, ns, "aioperator.dev/promote", "full");
            var promoted = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 2);
            Assert.StartsWith("2-", promoted.Status!.StableRevision, StringComparison.Ordinal);

            await AnnotateAsync(mds, ns, "aioperator.dev/rollback-to", "9-nothere");
            await Wait.UntilAsync(async () => (await mds.GetAsync(ns, "m")).Metadata.Annotations?.ContainsKey("aioperator.dev/rollback-to") != true,
                Deadline, "unknown rollback-to annotation removed");
            await ClusterEvents.WaitForReasonsAsync(fixture.Client, ns, "RollbackTargetUnknown");
            Assert.Equal(promoted.Status.StableRevision, (await mds.GetAsync(ns, "m")).Status!.StableRevision);

            await AnnotateAsync(mds, ns, "aioperator.dev/rollback-to", first.Status!.StableRevision!);
            var md = await WaitPhaseAsync(mds, ns, ModelDeploymentPhase.RolledBack);
            Assert.Equal(first.Status.StableRevision, md.Status!.StableRevision);
            Assert.Equal((promoted.Status.StableRevision, first.Status.StableRevision), (md.Status.LastRollback!.From, md.Status.LastRollback.To));
            Assert.False(md.Metadata.Annotations?.ContainsKey("aioperator.dev/rollback-to") ?? false);
            await Wait.UntilAsync(async () =>
            {
                var restored = await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync("m-" + first.Status.StableRevision, ns);
                return restored.Status?.ReadyReplicas == 2;
            }, Deadline, "the restored revision serving at full size");
        }
    }

    [Fact]
    public async Task A_restarted_operator_resumes_a_rollout_at_the_same_step_with_no_duplicate_revision()
    {
        var metrics = new ScriptedRevisionMetrics();
        metrics.Set("2-", ScriptedRevisionMetrics.Healthy);
        var (ns, mds, op) = await StartAsync("restart", metrics, pauseSeconds: 600, replicas: 4);
        ModelDeployment atStep;
        await using (op)
        {
            await DeployPathTests.WaitReadyAsync(mds, ns, "m", 4);
            await mds.PatchAsync(ns, "m", V2Patch);
            await WaitCanaryAsync(mds, ns, step: 0);
            await AnnotateAsync(mds, ns, "aioperator.dev/promote", "step");
            atStep = await WaitCanaryAsync(mds, ns, step: 1);
        }

        var names = (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Select(d => d.Metadata.Name).Order().ToList();
        await using (var restarted = RunningOperator.Start(fixture.Config, "second", namespaces: [ns], revisionMetrics: metrics))
        {
            await Wait.UntilAsync(() => restarted.Reconciles >= 2, Deadline, "the new operator reconciled");
            var md = await mds.GetAsync(ns, "m");
            Assert.Equal((atStep.Status!.CanaryRevision, 1, atStep.Status.StepStartedAt), (md.Status!.CanaryRevision, md.Status.CurrentStep, md.Status.StepStartedAt));
            var deployments = (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items;
            Assert.Equal(names, deployments.Select(d => d.Metadata.Name).Order().ToList());
            Assert.Equal(2, deployments.Single(d => d.Metadata.Name == "m-" + md.Status.CanaryRevision).Spec.Replicas);

            // Weight 50 of 4: the stable gives up pods only as the canary's become ready.
            await Wait.UntilAsync(async () =>
            {
                var stable = await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync("m-" + md.Status.StableRevision, ns);
                var canary = await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync("m-" + md.Status.CanaryRevision, ns);
                return stable.Spec.Replicas == 2 && canary.Status?.ReadyReplicas == 2;
            }, Deadline, "step 2 split 2/2");
            Assert.Equal(1, (await mds.GetAsync(ns, "m")).Status!.CurrentStep);

            await AnnotateAsync(mds, ns, "aioperator.dev/promote", "step");
            var done = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 4);
            Assert.Equal(atStep.Status.CanaryRevision, done.Status!.StableRevision);
            Assert.Equal(2, done.Status.Revisions!.Count);
        }
    }

    [Fact]
    public async Task Killing_the_operator_at_every_step_changes_nothing_the_rollout_decides()
    {
        var metrics = new ScriptedRevisionMetrics();
        metrics.Set("2-", ScriptedRevisionMetrics.Healthy);
        var (ns, mds, op) = await StartAsync("killloop", metrics, pauseSeconds: 3, replicas: 4);
        try
        {
            var first = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 4);
            await mds.PatchAsync(ns, "m", V2Patch);
            var seen = new List<string>();
            var maxPods = 0;
            var names = new HashSet<string>();
            for (var kills = 0; kills < 10; kills++)
            {
                // Wait for the next thing the rollout decides (a step or the promotion), then kill the operator there.
                ModelDeployment? md = null;
                await Wait.UntilAsync(async () =>
                {
                    md = await mds.GetAsync(ns, "m");
                    var pods = (await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count(p => p.Metadata.DeletionTimestamp is null);
                    maxPods = Math.Max(maxPods, pods);
                    foreach (var d in (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items)
                    {
                        names.Add(d.Metadata.Name);
                    }

                    return State(md) != seen.LastOrDefault();
                }, Deadline, "the rollout's next state");
                seen.Add(State(md!));
                await op.DisposeAsync();
                if (md!.Status!.StableRevision != first.Status!.StableRevision)
                {
                    break;
                }

                op = RunningOperator.Start(fixture.Config, $"life{kills}", namespaces: [ns], revisionMetrics: metrics);
            }

            Assert.Equal(["canary@0", "canary@1", "stable"], seen.Where(s => s != "stable-old").Distinct());
            Assert.Equal(2, names.Count);

            // 4 stable + 2 canary at most (weight 50 before any stable pod leaves); never a third revision's pods.
            Assert.True(maxPods <= 6, $"{maxPods} pods at once");
        }
        finally
        {
            await op.DisposeAsync();
        }

        string State(ModelDeployment md) =>
            !string.IsNullOrEmpty(md.Status?.CanaryRevision) ? $"canary@{md.Status.CurrentStep}"
            : md.Status?.StableRevision?.StartsWith("2-", StringComparison.Ordinal) == true ? "stable" : "stable-old";
    }

    private async Task<(string Ns, ModelDeploymentClient Mds, RunningOperator Op)> StartAsync(
        string prefix, ScriptedRevisionMetrics metrics, int pauseSeconds, int progressDeadlineSeconds = 60, int replicas = 2)
    {
        var ns = await fixture.NewNamespaceAsync(prefix);
        var op = RunningOperator.Start(fixture.Config, "solo", namespaces: [ns], revisionMetrics: metrics);
        var mds = new ModelDeploymentClient(fixture.Client);
        var md = ModelDeploymentClient.New(ns, "m", replicas: replicas, version: "1");
        md.Spec.Rollout = new RolloutSpec
        {
            Steps = [new RolloutStep { Weight = 20, PauseSeconds = pauseSeconds }, new RolloutStep { Weight = 50, PauseSeconds = pauseSeconds }],
            Analysis = new AnalysisSpec { IntervalSeconds = 1, MaxErrorRate = 0.01, MinRequests = 50, FailureLimit = 2 },
            ProgressDeadlineSeconds = progressDeadlineSeconds,
        };
        await mds.CreateAsync(md);
        return (ns, mds, op);
    }

    private static async Task<ModelDeployment> WaitPhaseAsync(ModelDeploymentClient mds, string ns, ModelDeploymentPhase phase)
    {
        ModelDeployment? md = null;
        await Wait.UntilAsync(async () =>
        {
            md = await mds.GetAsync(ns, "m");
            return md.Status?.Phase == phase && md.Status.ObservedGeneration == md.Metadata.Generation;
        }, Deadline, $"{ns}/m phase {phase}");
        return md!;
    }

    private static async Task<ModelDeployment> WaitCanaryAsync(ModelDeploymentClient mds, string ns, int step)
    {
        ModelDeployment? md = null;
        await Wait.UntilAsync(async () =>
        {
            md = await mds.GetAsync(ns, "m");
            return !string.IsNullOrEmpty(md.Status?.CanaryRevision) && md.Status.CurrentStep == step;
        }, Deadline, $"{ns}/m canary at step {step}");
        return md!;
    }

    private static Task<ModelDeployment> AnnotateAsync(ModelDeploymentClient mds, string ns, string annotation, string value) =>
        mds.PatchAsync(ns, "m", new System.Text.Json.Nodes.JsonObject
        {
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["annotations"] = new System.Text.Json.Nodes.JsonObject { [annotation] = value } },
        }.ToJsonString());
}
