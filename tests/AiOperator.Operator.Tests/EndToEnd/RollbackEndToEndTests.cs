using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.LocalCluster.Simulation.Models;
using AiOperator.ModelServer.Tests.Support;
using AiOperator.Operator.Tests.Integration;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace AiOperator.Operator.Tests.EndToEnd;

/// <summary>
/// Rollbacks with real model-server processes under steady load through the Service address, the operator judging
/// the canary on the pods' own /metrics: a model that fails every inference, a canary that never becomes ready,
/// a Git-style revert of the spec, and the rollback-to annotation. The stable revision serves throughout.
/// </summary>
public sealed class RollbackEndToEndTests(ITestOutputHelper output) : ModelServerClusterTest
{
    private const string Name = "doubler";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_canary_failing_every_inference_is_rolled_back_within_the_failure_limit_and_stable_serves_throughout()
    {
        const string ns = "bad-upgrade";
        await PrepareAsync(ns);
        FailingModel.Save(ModelPath(ns, "2"), "x", "y", width: 4);
        const int intervalSeconds = 2, failureLimit = 2;
        await using var op = RunningOperator.Start(Cluster.ApiServer.ClientConfiguration, "e2e-bad", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(Client);
        var first = await CreateReadyAsync(mds, ns, new RolloutSpec
        {
            // One long step: only the analysis can end it.
            Steps = [new RolloutStep { Weight = 50, PauseSeconds = 300 }],
            Analysis = new AnalysisSpec { IntervalSeconds = intervalSeconds, MinRequests = 5, MaxErrorRate = 0.01, FailureLimit = failureLimit },
            ProgressDeadlineSeconds = 60,
        });
        var stable = first.Status!.StableRevision!;

        await using var load = await StartLoadAsync(ns);
        await mds.PatchAsync(ns, Name, """{"spec":{"model":{"version":"2","uri":"pvc://models/doubler/2/model.onnx"}}}""");
        var rolledBack = await WaitAsync(mds, ns, m => m.Status?.Phase == ModelDeploymentPhase.RolledBack, "RolledBack");
        var rolledBackAt = load.Elapsed;
        var canary = rolledBack.Status!.LastRollback!.From!;
        await WaitPodsGoneAsync(ns, canary);
        var canaryGoneAt = load.Elapsed;

        // Traffic is back on stable alone: the next requests all succeed.
        await Wait.UntilAsync(() => load.Answers.Count(a => a.SentAt > canaryGoneAt) >= 40, Deadline, "40 requests after the canary's pods are gone");
        var answers = await load.StopAsync();

        var failures = answers.Where(a => !a.Ok).ToList();
        var canaryFailures = failures.Where(IsCanaryFailure).ToList();
        Assert.NotEmpty(canaryFailures);
        var firstError = canaryFailures.Min(a => a.AnsweredAt);
        var budget = TimeSpan.FromSeconds((failureLimit * intervalSeconds) + 5);
        output.WriteLine($"bad upgrade: first canary error at {firstError.TotalSeconds:0.0} s, RolledBack seen at {rolledBackAt.TotalSeconds:0.0} s "
            + $"({(rolledBackAt - firstError).TotalSeconds:0.0} s, budget {budget.TotalSeconds:0} s), canary pods gone at {canaryGoneAt.TotalSeconds:0.0} s; "
            + $"{answers.Count} requests, {failures.Count} failed (all answered by the canary: {failures.Count == canaryFailures.Count})");
        Assert.True(rolledBackAt - firstError <= budget, $"rolled back {(rolledBackAt - firstError).TotalSeconds:0.0} s after the canary's first error; budget {budget.TotalSeconds:0} s");

        // v1 serves throughout: every failure is the broken model's answer, every success is v1's.
        Assert.True(failures.Count == canaryFailures.Count, $"failures not from the canary: {string.Join("; ", failures.Except(canaryFailures).Take(5))}");
        Assert.All(answers.Where(a => a.Ok), a => Assert.Equal("1", a.Version));
        Assert.DoesNotContain(answers, a => !a.Ok && a.SentAt > canaryGoneAt);

        var md = await mds.GetAsync(ns, Name);
        Assert.Equal(stable, md.Status!.StableRevision);
        Assert.Null(md.Status.CanaryRevision);
        Assert.True(Conditions.IsTrue(md.Status.Conditions, "RolledBack"));
        Assert.Equal(stable, md.Status.LastRollback!.To);
        Assert.Matches(@"^error rate [0-9.]+ > 0\.01 at step 1 \(2 of 2 failed\)$", md.Status.LastRollback.Reason);
        Assert.Equal(RevisionOutcome.Failed, md.Status.Revisions!.Single(r => r.Name == canary).Outcome);
        var reason = md.Status.LastRollback.Reason!;
        var events = await ClusterEvents.WaitForAsync(Client, ns, e => e.InvolvedObject.Name == Name && e.Reason == "RolledBack", "RolledBack");
        foreach (var e in events.OrderBy(e => e.LastTimestamp ?? e.EventTime))
        {
            output.WriteLine($"{e.LastTimestamp ?? e.EventTime:HH:mm:ss} {e.Type} {e.Reason}: {e.Message}");
        }

        Assert.Contains(events, e => e.Reason == "AnalysisFailed" && e.Type == "Warning" && e.Message.Contains("error rate", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Reason == "RolledBack" && e.Type == "Warning" && e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_canary_that_never_becomes_ready_is_rolled_back_at_the_progress_deadline_missing_file_then_sha256_mismatch()
    {
        const string ns = "never-ready";
        await PrepareAsync(ns);
        const int deadlineSeconds = 6;
        await using var op = RunningOperator.Start(Cluster.ApiServer.ClientConfiguration, "e2e-never-ready", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(Client);
        var first = await CreateReadyAsync(mds, ns, new RolloutSpec
        {
            Steps = [new RolloutStep { Weight = 50, PauseSeconds = 300 }],
            Analysis = new AnalysisSpec { IntervalSeconds = 2, MinRequests = 10 },
            ProgressDeadlineSeconds = deadlineSeconds,
        });
        var stable = first.Status!.StableRevision!;
        await using var load = await StartLoadAsync(ns);

        // v2 names a file that does not exist; v3 is v1's file with a sha256 that does not match it.
        var cases = new[]
        {
            ("missing model file", """{"spec":{"model":{"version":"2","uri":"pvc://models/doubler/2/model.onnx"}}}"""),
            ("sha256 mismatch", """{"spec":{"model":{"version":"3","uri":"pvc://models/doubler/1/model.onnx","sha256":"0000000000000000000000000000000000000000000000000000000000000000"}}}"""),
        };
        foreach (var (what, patch) in cases)
        {
            var before = (await mds.GetAsync(ns, Name)).Status?.LastRollback?.At;
            var patched = load.Elapsed;
            await mds.PatchAsync(ns, Name, patch);
            var md = await WaitAsync(mds, ns, m => m.Status?.Phase == ModelDeploymentPhase.RolledBack && m.Status.LastRollback?.At != before && m.Status.LastRollback?.From?.StartsWith(what == "sha256 mismatch" ? "3-" : "2-", StringComparison.Ordinal) == true, $"{what}: RolledBack");
            var after = load.Elapsed - patched;
            output.WriteLine($"{what}: rolled back {after.TotalSeconds:0.0} s after the spec change (progressDeadlineSeconds {deadlineSeconds}): {md.Status!.LastRollback!.Reason}");

            // The deadline runs from the step's start (status times are whole seconds), and the rollback follows it promptly.
            Assert.InRange(after.TotalSeconds, deadlineSeconds - 1, deadlineSeconds + 8);
            Assert.Equal(stable, md.Status.StableRevision);
            Assert.Null(md.Status.CanaryRevision);
            Assert.StartsWith($"canary not ready within {deadlineSeconds}s at step 1: 0/1 pods ready", md.Status.LastRollback.Reason, StringComparison.Ordinal);
            Assert.Equal(RevisionOutcome.Failed, md.Status.Revisions!.Single(r => r.Name == md.Status.LastRollback.From).Outcome);
            await WaitPodsGoneAsync(ns, md.Status.LastRollback.From!);
        }

        // The canary never served, so not one request failed.
        var answers = await load.StopAsync();
        Assert.True(answers.Count > 50, $"only {answers.Count} requests were sent");
        Assert.True(answers.All(a => a.Ok && a.Version == "1"), $"{answers.Count(a => !a.Ok)} of {answers.Count} requests failed: {string.Join("; ", answers.Where(a => !a.Ok).Take(5))}");
        await Wait.UntilAsync(async () => (await EventsAsync(ns)).Count(e => e.Reason == "RolledBack" && e.Message.Contains("canary not ready within", StringComparison.Ordinal)) == 2,
            Deadline, "two RolledBack events for the progress deadline");
    }

    [Fact]
    public async Task Reverting_the_spec_mid_rollout_removes_the_canary_by_hash_and_starts_no_new_one()
    {
        const string ns = "revert";
        await PrepareAsync(ns, "2");
        await using var op = RunningOperator.Start(Cluster.ApiServer.ClientConfiguration, "e2e-revert", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(Client);
        var first = await CreateReadyAsync(mds, ns, new RolloutSpec
        {
            Steps = [new RolloutStep { Weight = 50, PauseSeconds = 300 }, new RolloutStep { Weight = 75, PauseSeconds = 300 }],
            Analysis = new AnalysisSpec { IntervalSeconds = 2, MinRequests = 10 },
        });
        var stable = first.Status!.StableRevision!;
        await using var load = await StartLoadAsync(ns);

        await mds.PatchAsync(ns, Name, """{"spec":{"model":{"version":"2","uri":"pvc://models/doubler/2/model.onnx"}}}""");
        var canaryMd = await WaitAsync(mds, ns, m => !string.IsNullOrEmpty(m.Status?.CanaryRevision), "canary started");
        var canary = canaryMd.Status!.CanaryRevision!;
        await Wait.UntilAsync(() => load.Answers.Any(a => a.Ok && a.Version == "2"), Deadline, "the canary serving its share at step 1");
        Assert.Equal(0, (await mds.GetAsync(ns, Name)).Status!.CurrentStep);

        // What `git revert` + sync does: the spec's model is v1's again.
        await mds.PatchAsync(ns, Name, """{"spec":{"model":{"version":"1","uri":"pvc://models/doubler/1/model.onnx"}}}""");
        var md = await WaitAsync(mds, ns, m => m.Status?.LastRollback?.From == canary, "rollback by hash");
        await WaitPodsGoneAsync(ns, canary);
        md = await WaitAsync(mds, ns, m => m.Status?.Phase == ModelDeploymentPhase.Ready && m.Status.ReadyReplicas == 2, "v1 Ready at full size");
        var answers = await load.StopAsync();

        Assert.Equal($"spec reverted to the stable revision {stable}", md.Status!.LastRollback!.Reason);
        Assert.Equal(stable, md.Status.StableRevision);
        Assert.Null(md.Status.CanaryRevision);
        Assert.Equal(RevisionOutcome.Failed, md.Status.Revisions!.Single(r => r.Name == canary).Outcome);
        var deployments = (await Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items;
        Assert.Equal(new[] { $"{Name}-{canary}", $"{Name}-{stable}" }.Order(), deployments.Select(d => d.Metadata.Name).Order());
        Assert.Equal(0, deployments.Single(d => d.Metadata.Name == $"{Name}-{canary}").Spec.Replicas);
        Assert.Single(await EventsAsync(ns), e => e.Reason == "CanaryStarted");
        Assert.True(answers.All(a => a.Ok), $"{answers.Count(a => !a.Ok)} of {answers.Count} requests failed: {string.Join("; ", answers.Where(a => !a.Ok).Take(5))}");
        output.WriteLine($"spec revert: {answers.Count} requests, {answers.Count(a => a.Version == "2")} answered by the canary, 0 failed");
    }

    [Fact]
    public async Task The_rollback_to_annotation_brings_an_older_revision_back_and_is_removed()
    {
        const string ns = "rollback-to";
        await PrepareAsync(ns, "2");
        await using var op = RunningOperator.Start(Cluster.ApiServer.ClientConfiguration, "e2e-rollback-to", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(Client);
        var first = await CreateReadyAsync(mds, ns, new RolloutSpec
        {
            Steps = [new RolloutStep { Weight = 50, PauseSeconds = 300 }],
            Analysis = new AnalysisSpec { IntervalSeconds = 2, MinRequests = 10 },
        });
        var v1 = first.Status!.StableRevision!;
        await using var load = await StartLoadAsync(ns);

        await mds.PatchAsync(ns, Name, """{"spec":{"model":{"version":"2","uri":"pvc://models/doubler/2/model.onnx"}}}""");
        await WaitAsync(mds, ns, m => !string.IsNullOrEmpty(m.Status?.CanaryRevision), "canary started");
        await mds.PatchAsync(ns, Name, """{"metadata":{"annotations":{"aioperator.dev/promote":"full"}}}""");
        var promoted = await WaitAsync(mds, ns, m => m.Status?.StableRevision != v1 && m.Status?.Phase == ModelDeploymentPhase.Ready, "v2 promoted");
        var v2 = promoted.Status!.StableRevision!;
        await WaitPodsGoneAsync(ns, v1);

        await mds.PatchAsync(ns, Name, "{\"metadata\":{\"annotations\":{\"aioperator.dev/rollback-to\":\"" + v1 + "\"}}}");
        var md = await WaitAsync(mds, ns, m => m.Status?.StableRevision == v1 && m.Status.Phase == ModelDeploymentPhase.RolledBack, "rolled back to v1");
        await WaitPodsGoneAsync(ns, v2);
        await Wait.UntilAsync(async () => (await Client.AppsV1.ReadNamespacedDeploymentAsync($"{Name}-{v1}", ns)).Status?.ReadyReplicas == 2, Deadline, "v1 serving at full size");
        var sinceV1 = load.Elapsed;
        await Wait.UntilAsync(() => load.Answers.Count(a => a.SentAt > sinceV1) >= 20, Deadline, "20 requests after the rollback");
        var answers = await load.StopAsync();

        Assert.Equal((v2, v1), (md.Status!.LastRollback!.From, md.Status.LastRollback.To));
        Assert.Equal($"rollback to {v1} requested by annotation aioperator.dev/rollback-to", md.Status.LastRollback.Reason);
        Assert.False(md.Metadata.Annotations?.ContainsKey("aioperator.dev/rollback-to") ?? false);
        await ClusterEvents.WaitForAsync(Client, ns, e => e.Reason == "RolledBack" && e.Message.Contains($"rolled back from {v2} to {v1}", StringComparison.Ordinal), "RolledBack naming both revisions");
        Assert.All(answers.Where(a => a.SentAt > sinceV1), a => Assert.Equal("1", a.Version));
        var failed = answers.Where(a => !a.Ok).ToList();
        output.WriteLine($"rollback-to: {answers.Count} requests, {failed.Count} failed");
        Assert.True(failed.Count == 0, $"{failed.Count} of {answers.Count} requests failed: {string.Join("; ", failed.Take(5))}");
    }

    // The broken model's own answer: ONNX Runtime rejects the Gather's index.
    private static bool IsCanaryFailure(ServiceAnswer a) =>
        a.Status is 400 or 500 && a.Error?.Contains("gather", StringComparison.OrdinalIgnoreCase) == true;

    private string ModelPath(string ns, string version) => Path.Combine(Cluster.StateDirectory, "pvcs", ns, "models", Name, version, "model.onnx");

    // The namespace and a doubler model (y = x + x) for v1 and each extra version named.
    private async Task PrepareAsync(string ns, params string[] moreDoublers)
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        foreach (var version in moreDoublers.Prepend("1"))
        {
            var dir = Path.GetDirectoryName(ModelPath(ns, version))!;
            Directory.CreateDirectory(dir);
            new OnnxGraphBuilder("model").Input("x", OnnxType.Float, -1, 4).Output("y", OnnxType.Float, -1, 4).Node("Add", ["x", "x"], ["y"]).Save(dir);
        }
    }

    private static async Task<ModelDeployment> CreateReadyAsync(ModelDeploymentClient mds, string ns, RolloutSpec rollout)
    {
        var md = ModelDeploymentClient.New(ns, Name, replicas: 2, gpus: 1);
        md.Spec.Rollout = rollout;
        await mds.CreateAsync(md);
        return await WaitAsync(mds, ns, m => m.Status?.Phase == ModelDeploymentPhase.Ready && m.Status.ReadyReplicas == 2, "v1 Ready with real servers");
    }

    // Two workers on the Service's address, two minutes at most.
    private async Task<ServiceLoad> StartLoadAsync(string ns)
    {
        var service = await Client.CoreV1.ReadNamespacedServiceAsync(Name, ns);
        var load = ServiceLoad.Start(service.Spec.ClusterIP, Name, workers: 2, TimeSpan.FromMinutes(2));
        await Wait.UntilAsync(() => load.Answers.Count(a => a.Ok) >= 10, Deadline, "the load flowing before the change");
        return load;
    }

    private Task WaitPodsGoneAsync(string ns, string revision) =>
        Wait.UntilAsync(async () => (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"aioperator.dev/revision={revision}")).Items.Count == 0, Deadline, $"pods of {revision} gone");

    private async Task<IReadOnlyList<Corev1Event>> EventsAsync(string ns) =>
        [.. (await Client.CoreV1.ListNamespacedEventAsync(ns)).Items.Where(e => e.InvolvedObject.Name == Name)];

    private static async Task<ModelDeployment> WaitAsync(ModelDeploymentClient mds, string ns, Func<ModelDeployment, bool> done, string what)
    {
        ModelDeployment? md = null;
        await Wait.UntilAsync(async () =>
        {
            md = await mds.GetAsync(ns, Name);
            return done(md);
        }, Deadline, what);
        return md!;
    }
}
