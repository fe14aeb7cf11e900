using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.ControllerRuntime.Events;
using AiOperator.Operator.Status;
using AiOperator.Operator.TrainingJobs;
using k8s;
using static AiOperator.Operator.Tests.TrainingJobs.TrainingJobFixtures;

namespace AiOperator.Operator.Tests.TrainingJobs;

public sealed class GangDecisionTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Report = "{\"sha256\":\"" + Sha + "\"}";

    private static GangPlan Decide(TrainingJob job, params WorkerState[] workers) => GangDecision.Decide(Observe(job, workers), Now);

    private static GangPlan Decide(TrainingJob job, DateTimeOffset now, params WorkerState[] workers) => GangDecision.Decide(Observe(job, workers), now);

    // A job whose first gang is running (what the cache shows after two reconciles).
    private static TrainingJob Running(TrainingJob? job = null)
    {
        job ??= Job();
        var created = Decide(job);
        return With(job, Decide(With(job, created.Status), Worker(0, 1), Worker(1, 1)).Status);
    }

    private static string Json(object o) => KubernetesJson.Serialize(o);

    [Fact]
    public void A_new_job_creates_the_whole_gang_at_once_and_its_service()
    {
        var plan = Decide(Job(workers: 3));
        Assert.Equal([0, 1, 2], plan.CreateRanks);
        Assert.True(plan.EnsureService);
        Assert.Equal(1, plan.Status.Attempt);
        Assert.Equal(0, plan.Status.Restarts);
        Assert.Equal(TrainingJobPhase.Scheduling, plan.Status.Phase);
        Assert.Equal(Now.UtcDateTime, plan.Status.StartTime);
        Assert.Equal("GangCreated", Assert.Single(plan.Events).Reason);
        Assert.Equal(TimeSpan.FromSeconds(300), plan.RequeueAfter);
    }

    [Fact]
    public void Pods_just_created_but_not_yet_cached_are_not_taken_for_deleted_ones()
    {
        var job = Job();
        var created = With(job, Decide(job).Status);
        var plan = GangDecision.Decide(new GangObservation(created, [Worker(0, 1, "Pending", scheduled: false)], new HashSet<int> { 1 }), Now);
        Assert.Equal(0, plan.Status.Restarts);
        Assert.Equal(TrainingJobPhase.Scheduling, plan.Status.Phase);
        Assert.Empty(plan.CreateRanks);
        Assert.Empty(plan.DeletePods);
    }

    [Fact]
    public void All_workers_scheduled_is_running_and_deciding_again_changes_nothing()
    {
        var job = Running();
        Assert.Equal(TrainingJobPhase.Running, job.Status!.Phase);
        Assert.Equal("2/2", job.Status.WorkersRunning);
        Assert.True(Conditions.IsTrue(job.Status.Conditions, "Scheduled"));
        Assert.True(Conditions.IsTrue(job.Status.Conditions, "Running"));
        var again = Decide(job, Now.AddMinutes(5), Worker(0, 1), Worker(1, 1));
        Assert.Equal(Json(job.Status), Json(again.Status));
        Assert.Empty(again.Events);
        Assert.Empty(again.CreateRanks);
        Assert.Empty(again.DeletePods);
    }

    [Fact]
    public void A_failed_worker_restarts_the_whole_gang_once_and_records_the_first_failure()
    {
        var job = Running();
        var first = Now.UtcDateTime.AddSeconds(-3);
        var workers = new[] { Worker(0, 1, "Failed", exitCode: 1, reason: "Error", finishedAt: first.AddSeconds(1)), Worker(1, 1, "Failed", exitCode: 137, reason: "OOMKilled", finishedAt: first) };
        var plan = Decide(job, workers);
        Assert.Equal(1, plan.Status.Restarts);
        Assert.Equal(TrainingJobPhase.Restarting, plan.Status.Phase);
        Assert.Equal((1, "OOMKilled", 137), (plan.Status.LastFailure!.Worker!.Value, plan.Status.LastFailure.Reason, plan.Status.LastFailure.ExitCode!.Value));
        Assert.Equal(["ft-worker-0", "ft-worker-1"], plan.DeletePods.Order());
        Assert.Empty(plan.CreateRanks);
        Assert.Equal("WorkerFailed", Assert.Single(plan.Events).Reason);

        // The same failed pods seen again (resync, a late watch event) are not counted twice.
        var restarting = With(job, plan.Status);
        var again = Decide(restarting, workers.Select(w => w with { Terminating = true }).ToArray());
        Assert.Equal(1, again.Status.Restarts);
        Assert.Empty(again.CreateRanks);
        Assert.Empty(again.DeletePods);

        // Once the old pods are gone the next gang starts, labelled 2; restarts is not touched.
        var next = Decide(restarting);
        Assert.Equal([0, 1], next.CreateRanks);
        Assert.Equal((2, 1), (next.Status.Attempt!.Value, next.Status.Restarts!.Value));
        Assert.Equal(TrainingJobPhase.Scheduling, next.Status.Phase);
    }

    [Fact]
    public void A_worker_deleted_or_missing_from_outside_is_a_gang_failure()
    {
        var job = Running();
        var deleted = Decide(job, Worker(0, 1), Worker(1, 1, terminating: true));
        Assert.Equal((1, "Deleted"), (deleted.Status.Restarts!.Value, deleted.Status.LastFailure!.Reason));
        Assert.Equal(["ft-worker-0"], deleted.DeletePods);

        var missing = Decide(job, Worker(1, 1));
        Assert.Equal((0, "Deleted"), (missing.Status.LastFailure!.Worker!.Value, missing.Status.LastFailure.Reason));
        Assert.Equal(1, missing.Status.Restarts);

        var evicted = Decide(job, Worker(0, 1, "Failed", reason: "Evicted"), Worker(1, 1));
        Assert.Equal("Evicted", evicted.Status.LastFailure!.Reason);
    }

    [Fact]
    public void BackoffLimit_exhausted_fails_the_job_and_stops_what_still_runs()
    {
        var job = Running();
        job.Status!.Restarts = 2;
        var plan = Decide(job, Worker(0, 1, "Failed", exitCode: 1), Worker(1, 1));
        Assert.Equal(TrainingJobPhase.Failed, plan.Status.Phase);
        Assert.Equal(2, plan.Status.Restarts);
        Assert.Equal("BackoffLimitExceeded", Conditions.Find(plan.Status.Conditions, "Failed")!.Reason);
        Assert.Equal(["ft-worker-1"], plan.DeletePods);
        Assert.Equal(Now.UtcDateTime, plan.Status.CompletionTime);
        Assert.Equal("BackoffLimitExceeded", Assert.Single(plan.Events).Reason);
    }

    [Fact]
    public void A_failed_job_stays_failed_whatever_pods_appear_and_keeps_its_restart_count()
    {
        var job = Running();
        job.Status!.Restarts = 2;
        var failed = With(job, Decide(job, Worker(0, 1, "Failed", exitCode: 1), Worker(1, 1)).Status);
        foreach (var workers in new WorkerState[][] { [Worker(0, 1, "Failed", exitCode: 1)], [Worker(0, 1, "Failed", exitCode: 1), Worker(1, 1, terminating: true)], [Worker(0, 1, "Failed", exitCode: 1), Worker(1, 7, "Pending")] })
        {
            var plan = Decide(failed, Now.AddHours(1), workers);
            Assert.Equal(Json(failed.Status!), Json(plan.Status));
            Assert.Empty(plan.CreateRanks);
            Assert.Empty(plan.Events);
        }

        // Pods that turn up again are stopped, and only the counts follow them: the phase stays.
        var reappeared = Decide(failed, Now.AddHours(1), Worker(0, 1), Worker(1, 1));
        Assert.Equal(["ft-worker-0", "ft-worker-1"], reappeared.DeletePods.Order());
        Assert.Equal((TrainingJobPhase.Failed, "0/2"), (reappeared.Status.Phase!.Value, reappeared.Status.WorkersRunning));

        // An edit of the spec is observed, nothing else.
        failed.Metadata.Generation = 2;
        failed.Spec.BackoffLimit = 10;
        var edited = Decide(failed, Now.AddHours(1));
        Assert.Equal((2L, TrainingJobPhase.Failed, 2), (edited.Status.ObservedGeneration!.Value, edited.Status.Phase!.Value, edited.Status.Restarts!.Value));
        Assert.Empty(edited.CreateRanks);
    }

    [Fact]
    public void A_finished_job_counts_only_the_workers_still_there()
    {
        // The deadline tears down a running gang: status counts it as gone at once, not "2/2".
        var job = Job();
        job.Spec.ActiveDeadlineSeconds = 8;
        var running = Running(job);
        var expired = Decide(running, Now.AddSeconds(9), Worker(0, 1), Worker(1, 1));
        Assert.Equal(TrainingJobPhase.Failed, expired.Status.Phase);
        Assert.Equal(["ft-worker-0", "ft-worker-1"], expired.DeletePods.Order());
        Assert.Equal(("0/2", 0, 0), (expired.Status.WorkersRunning, expired.Status.Workers!.Running!.Value, expired.Status.Workers.Pending!.Value));
        var deadline = With(running, expired.Status);
        Assert.Equal(Json(expired.Status), Json(Decide(deadline, Now.AddSeconds(10), Worker(0, 1, terminating: true), Worker(1, 1, "Failed", exitCode: 143, terminating: true)).Status));
        Assert.Equal(Json(expired.Status), Json(Decide(deadline, Now.AddSeconds(11)).Status));

        // ExitCode: rank 0's own error fails the job; rank 1 is stopped, rank 0's pod stays and is counted...
        var policy = Job();
        policy.Spec.RestartPolicy = TrainingRestartPolicy.ExitCode;
        var failing = Decide(Running(policy), Worker(0, 1, "Failed", exitCode: 2), Worker(1, 1));
        Assert.Equal(TrainingJobPhase.Failed, failing.Status.Phase);
        Assert.Equal(("0/2", 0, 1), (failing.Status.WorkersRunning, failing.Status.Workers!.Running!.Value, failing.Status.Workers.Failed!.Value));

        // ...until someone deletes it: the job stays Failed with nothing counted.
        var gone = Decide(With(policy, failing.Status), Now.AddMinutes(1)).Status;
        Assert.Equal((TrainingJobPhase.Failed, "0/2", 0, 0), (gone.Phase!.Value, gone.WorkersRunning, gone.Workers!.Running!.Value, gone.Workers.Failed!.Value));
        Assert.Equal(failing.Status.CompletionTime, gone.CompletionTime);
        Assert.Equal("NonRetryableExitCode", Conditions.Find(gone.Conditions, "Failed")!.Reason);
    }

    [Fact]
    public void A_restart_with_no_pod_left_to_delete_is_looked_at_again_and_starts_the_next_gang()
    {
        // Both workers vanished: nothing is left whose deletion would enqueue the job, and its own status
        // write comes back as an echo, so the plan itself must bring it back.
        var job = Running();
        var restart = Decide(job);
        Assert.Equal((TrainingJobPhase.Restarting, 1), (restart.Status.Phase!.Value, restart.Status.Restarts!.Value));
        Assert.Empty(restart.DeletePods);
        Assert.NotNull(restart.RequeueAfter);
        Assert.True(restart.RequeueAfter <= TimeSpan.FromSeconds(1));

        // Waiting for the old pods to go: looked at again too, whatever their deletion events do.
        var restarting = With(job, restart.Status);
        var waiting = Decide(restarting, Now.AddSeconds(1), Worker(0, 1, "Failed", terminating: true));
        Assert.Empty(waiting.CreateRanks);
        Assert.NotNull(waiting.RequeueAfter);

        var next = Decide(restarting, Now.AddSeconds(1));
        Assert.Equal([0, 1], next.CreateRanks);
        Assert.Equal(2, next.Status.Attempt);
    }

    [Fact]
    public void A_worker_the_api_server_refuses_is_reported_in_its_words_and_retried_with_backoff_without_spending_a_restart()
    {
        const string said = "pods \"ft-worker-0\" is forbidden: no PriorityClass with name does-not-exist was found";
        var job = Job();
        var created = With(job, Decide(job).Status);
        var refusal = new GangCreateRefusal(1, "worker pod ft-worker-0", new ChildWriteFailure("WriteForbidden", "writing pods \"ft-worker-0\" is forbidden: " + said, false));
        var refused = GangDecision.Decide(new GangObservation(created, [], new HashSet<int>(), CreateRefused: refusal), Now);

        Assert.Equal((TrainingJobPhase.Scheduling, 0), (refused.Status.Phase!.Value, refused.Status.Restarts!.Value));
        Assert.Null(refused.Status.LastFailure);
        Assert.Empty(refused.CreateRanks);
        var synced = Conditions.Find(refused.Status.Conditions, ChildWriteFailure.ConditionType)!;
        Assert.Equal(("False", "WriteForbidden"), (synced.Status, synced.Reason));
        Assert.Contains(said, synced.Message, StringComparison.Ordinal);
        var scheduled = Conditions.Find(refused.Status.Conditions, "Scheduled")!;
        Assert.Equal("FailedCreate", scheduled.Reason);
        Assert.Contains(said, scheduled.Message, StringComparison.Ordinal);
        var warning = Assert.Single(refused.Events);
        Assert.Equal((EventRecorder.Warning, "FailedCreate"), (warning.Type, warning.Reason));
        Assert.Contains(said, warning.Message, StringComparison.Ordinal);
        Assert.Equal(Now.AddSeconds(10).UtcDateTime, refused.Status.NextGangAt);
        Assert.Equal(TimeSpan.FromSeconds(10), refused.RequeueAfter);

        // The retry comes at its time, as gang 2; refused again, it waits longer (as long again as the refusals have lasted).
        var waiting = With(job, refused.Status);
        Assert.Empty(Decide(waiting, Now.AddSeconds(5)).CreateRanks);
        var retry = Decide(waiting, Now.AddSeconds(10));
        Assert.Equal([0, 1], retry.CreateRanks);
        Assert.Equal((2, 0), (retry.Status.Attempt!.Value, retry.Status.Restarts!.Value));
        var again = GangDecision.Decide(new GangObservation(With(job, retry.Status), [], new HashSet<int>(), CreateRefused: refusal with { Gang = 2 }), Now.AddSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(10), again.RequeueAfter);
        var third = Decide(With(job, again.Status), Now.AddSeconds(20));
        var refusedLonger = GangDecision.Decide(new GangObservation(With(job, third.Status), [], new HashSet<int>(), CreateRefused: refusal with { Gang = 3 }), Now.AddSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), refusedLonger.RequeueAfter);
        Assert.Equal(0, refusedLonger.Status.Restarts);

        // Accepted at last: the gang runs and the condition goes.
        var fourth = With(job, Decide(With(job, refusedLonger.Status), Now.AddSeconds(60)).Status);
        var accepted = Decide(fourth, Now.AddSeconds(61), Worker(0, 4), Worker(1, 4));
        Assert.Equal(TrainingJobPhase.Running, accepted.Status.Phase);
        Assert.Null(Conditions.Find(accepted.Status.Conditions, ChildWriteFailure.ConditionType));
    }

    [Fact]
    public void A_refused_worker_tears_down_the_ranks_already_created()
    {
        var job = Job(workers: 3);
        var created = With(job, Decide(job).Status);
        var refusal = new GangCreateRefusal(1, "worker pod ft-worker-1", new ChildWriteFailure("WriteRejected", "the API server refused pods \"ft-worker-1\": quota exceeded", false));
        var plan = GangDecision.Decide(new GangObservation(created, [Worker(0, 1, "Pending", scheduled: false)], new HashSet<int>(), CreateRefused: refusal), Now);
        Assert.Equal(["ft-worker-0"], plan.DeletePods);
        Assert.Equal((0, "0/3"), (plan.Status.Restarts!.Value, plan.Status.WorkersRunning));

        // A refusal of an earlier gang says nothing about this one: a pod missing now was deleted.
        var running = Running();
        var stale = GangDecision.Decide(new GangObservation(running, [Worker(0, 1)], new HashSet<int>(), CreateRefused: refusal with { Gang = 0 }), Now);
        Assert.Equal((TrainingJobPhase.Restarting, "Deleted"), (stale.Status.Phase!.Value, stale.Status.LastFailure!.Reason));
    }

    [Theory]
    [InlineData(TrainingRestartPolicy.Never, 137, TrainingJobPhase.Failed)]
    [InlineData(TrainingRestartPolicy.ExitCode, 1, TrainingJobPhase.Failed)]
    [InlineData(TrainingRestartPolicy.ExitCode, 127, TrainingJobPhase.Failed)]
    [InlineData(TrainingRestartPolicy.ExitCode, 137, TrainingJobPhase.Restarting)]
    [InlineData(TrainingRestartPolicy.OnFailure, 1, TrainingJobPhase.Restarting)]
    public void The_restart_policy_decides_between_restart_and_failure(TrainingRestartPolicy policy, int exitCode, TrainingJobPhase expected)
    {
        var job = Job();
        job.Spec.RestartPolicy = policy;
        var plan = Decide(Running(job), Worker(0, 1, "Failed", exitCode: exitCode), Worker(1, 1));
        Assert.Equal(expected, plan.Status.Phase);
        Assert.Equal(expected == TrainingJobPhase.Restarting ? 1 : 0, plan.Status.Restarts);
    }

    [Fact]
    public void A_gang_not_scheduled_in_time_is_torn_down_and_retried_without_consuming_backoff()
    {
        var job = Job();
        job.Spec.Gang = new GangSpec { ScheduleTimeoutSeconds = 60 };
        var created = With(job, Decide(job).Status);
        const string message = "0/7 nodes are available: 4 Insufficient nvidia.com/gpu, 3 node(s) didn't match Pod's node affinity/selector.";
        var early = Decide(created, Now.AddSeconds(30), Worker(0, 1, createdAt: Now.UtcDateTime), Worker(1, 1, "Pending", scheduled: false, unschedulable: message, createdAt: Now.UtcDateTime));
        Assert.Equal(TrainingJobPhase.Scheduling, early.Status.Phase);
        Assert.Empty(early.DeletePods);
        Assert.Equal(TimeSpan.FromSeconds(30), early.RequeueAfter);

        var late = Decide(created, Now.AddSeconds(61), Worker(0, 1, createdAt: Now.UtcDateTime), Worker(1, 1, "Pending", scheduled: false, unschedulable: message, createdAt: Now.UtcDateTime));
        Assert.Equal(TrainingJobPhase.Scheduling, late.Status.Phase);
        Assert.Equal(0, late.Status.Restarts);
        Assert.Equal(1, late.Status.ScheduleTimeouts);
        Assert.Equal(["ft-worker-0", "ft-worker-1"], late.DeletePods.Order());
        var warning = Assert.Single(late.Events);
        Assert.Equal("GangScheduleTimeout", warning.Reason);
        Assert.Contains("short of nvidia.com/gpu", warning.Message, StringComparison.Ordinal);
        Assert.Equal("GangTimeout", Conditions.Find(late.Status.Conditions, "Scheduled")!.Reason);
        Assert.Equal(Now.AddSeconds(71).UtcDateTime, late.Status.NextGangAt);

        // The retry waits for its time, then starts gang 2.
        var waiting = With(created, late.Status);
        Assert.Equal(TimeSpan.FromSeconds(5), Decide(waiting, Now.AddSeconds(66)).RequeueAfter);
        var retry = Decide(waiting, Now.AddSeconds(71));
        Assert.Equal([0, 1], retry.CreateRanks);
        Assert.Equal((2, 0), (retry.Status.Attempt!.Value, retry.Status.Restarts!.Value));
    }

    [Theory]
    [InlineData("0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector.", "the scheduler found no node for them (0/5 nodes")]
    [InlineData(null, "no scheduler placed them;")]
    public void A_gang_timeout_says_whether_the_scheduler_gave_a_reason(string? unschedulable, string expected)
    {
        var job = Job();
        job.Spec.Gang = new GangSpec { ScheduleTimeoutSeconds = 60 };
        var created = With(job, Decide(job).Status);
        var late = Decide(created, Now.AddSeconds(61), Worker(0, 1, createdAt: Now.UtcDateTime), Worker(1, 1, "Pending", scheduled: false, unschedulable: unschedulable, createdAt: Now.UtcDateTime));
        Assert.Contains(expected, Assert.Single(late.Events).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, 1, 10)]
    [InlineData(300, 2, 20)]
    [InlineData(300, 10, 300)]
    [InlineData(2, 1, 2)]
    [InlineData(2, 3, 8)]
    public void Scheduling_retries_back_off(int timeoutSeconds, int timeouts, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), GangDecision.RetryDelay(TimeSpan.FromSeconds(timeoutSeconds), timeouts));

    [Fact]
    public void Success_hands_over_the_model_with_the_sha256_and_metrics_rank_0_reported()
    {
        var report = "{\"sha256\":\"" + Sha + "\",\"metrics\":{\"accuracy\":0.93,\"loss\":0.2}}";
        var plan = Decide(Running(), Worker(0, 1, "Succeeded", exitCode: 0, message: report), Worker(1, 1, "Succeeded", exitCode: 0));
        Assert.Equal(TrainingJobPhase.Succeeded, plan.Status.Phase);
        var output = plan.Status.OutputModel!;
        Assert.Equal(("pvc://models/resnet18/4/model.onnx", "4", Sha), (output.Uri, output.Version, output.Sha256));
        Assert.Equal(0.93, output.Metrics!["accuracy"]);
        Assert.Equal(Now.UtcDateTime, plan.Status.CompletionTime);
        Assert.Equal(["Succeeded"], plan.Events.Select(e => e.Reason));
        Assert.True(Conditions.IsTrue(plan.Status.Conditions, "Succeeded"));
    }

    [Fact]
    public void Success_without_a_report_reads_the_output_with_a_reader_pod_deletes_it_and_only_then_succeeds()
    {
        var finished = Now.UtcDateTime.AddSeconds(-2);
        WorkerState[] done = [Worker(0, 1, "Succeeded", exitCode: 0, finishedAt: finished), Worker(1, 1, "Succeeded", exitCode: 0, finishedAt: finished)];
        var running = Running();

        // 1: no report from rank 0 → the reader pod is created; the job stays Running.
        var create = GangDecision.Decide(new GangObservation(running, done, new HashSet<int>()), Now);
        Assert.True(create.CreateOutputReader);
        Assert.Equal(TrainingJobPhase.Running, create.Status.Phase);
        Assert.Null(create.Status.OutputModel);
        Assert.Null(create.Status.CompletionTime);
        var reading = Conditions.Find(create.Status.Conditions, "Running")!;
        Assert.Equal("ReadingOutput", reading.Reason);
        Assert.Contains("rank 0 left no termination message", reading.Message, StringComparison.Ordinal);
        Assert.Equal("ReadingOutput", Assert.Single(create.Events).Reason);
        Assert.Equal(OutputReaderDecision.Timeout - TimeSpan.FromSeconds(2), create.RequeueAfter);

        // 2: the reader runs → wait, nothing written, no second Event.
        var waiting = With(running, create.Status);
        var wait = GangDecision.Decide(new GangObservation(waiting, done, new HashSet<int>(), Reader("Running")), Now);
        Assert.False(wait.CreateOutputReader);
        Assert.Empty(wait.DeletePods);
        Assert.Empty(wait.Events);
        Assert.Equal(Json(waiting.Status!), Json(wait.Status));

        // 3: the reader reported → the report is kept in status (still Running) and the pod deleted.
        var report = "{\"sha256\":\"" + Sha + "\",\"metrics\":{\"accuracy\":0.97},\"uri\":\"file:///output/x\",\"bytes\":5}";
        var record = GangDecision.Decide(new GangObservation(waiting, done, new HashSet<int>(), Reader("Succeeded", 0, report)), Now);
        Assert.Equal(["ft-output-reader"], record.DeletePods);
        Assert.Equal(TrainingJobPhase.Running, record.Status.Phase);
        Assert.Equal((Sha, 0.97), (record.Status.OutputModel!.Sha256, record.Status.OutputModel.Metrics!["accuracy"]));

        // 4: being deleted → wait until it is gone.
        var recorded = With(running, record.Status);
        var gone = GangDecision.Decide(new GangObservation(recorded, done, new HashSet<int>(), Reader("Succeeded", 0, report) with { Terminating = true }), Now);
        Assert.Equal(TrainingJobPhase.Running, gone.Status.Phase);
        Assert.Empty(gone.DeletePods);

        // 5: gone → Succeeded with the reader's sha256 and metrics.
        var plan = GangDecision.Decide(new GangObservation(recorded, done, new HashSet<int>()), Now);
        Assert.Equal(TrainingJobPhase.Succeeded, plan.Status.Phase);
        Assert.Equal(("pvc://models/resnet18/4/model.onnx", "4", Sha), (plan.Status.OutputModel!.Uri, plan.Status.OutputModel.Version, plan.Status.OutputModel.Sha256));
        Assert.Equal(0.97, plan.Status.OutputModel.Metrics!["accuracy"]);
        Assert.Contains("reported by output reader pod ft-output-reader", Conditions.Find(plan.Status.Conditions, "Succeeded")!.Message, StringComparison.Ordinal);
        Assert.False(plan.CreateOutputReader);
    }

    [Fact]
    public void A_failed_reader_fails_the_job_naming_the_missing_file_and_the_pod_is_kept_for_its_logs()
    {
        var done = new[] { Worker(0, 1, "Succeeded", exitCode: 0), Worker(1, 1, "Succeeded", exitCode: 0) };
        var reader = Reader("Failed", 1, "model file /output/resnet18/4/model.onnx does not exist");
        var plan = GangDecision.Decide(new GangObservation(Running(), done, new HashSet<int>(), reader), Now);

        Assert.Equal(TrainingJobPhase.Failed, plan.Status.Phase);
        var failed = Conditions.Find(plan.Status.Conditions, "Failed")!;
        Assert.Equal("OutputReadFailed", failed.Reason);
        Assert.Contains("output reader pod ft-output-reader failed (exit code 1): model file /output/resnet18/4/model.onnx does not exist", failed.Message, StringComparison.Ordinal);
        Assert.Empty(plan.DeletePods);
        Assert.Equal(0, plan.Status.Restarts);

        // Finished: it stays Failed, and the reader is not created again.
        var again = GangDecision.Decide(new GangObservation(With(Running(), plan.Status), done, new HashSet<int>()), Now.AddMinutes(1));
        Assert.Equal(TrainingJobPhase.Failed, again.Status.Phase);
        Assert.False(again.CreateOutputReader);
    }

    [Fact]
    public void Suspending_while_the_output_is_read_deletes_the_reader_and_the_next_gang_forgets_its_report()
    {
        var job = Running();
        job.Spec.Suspend = true;
        var done = new[] { Worker(0, 1, "Succeeded", exitCode: 0), Worker(1, 1, "Succeeded", exitCode: 0) };
        var suspend = GangDecision.Decide(new GangObservation(job, done, new HashSet<int>(), Reader("Running")), Now);
        Assert.Contains("ft-output-reader", suspend.DeletePods);

        var resumed = With(job, suspend.Status);
        resumed.Spec.Suspend = false;
        resumed.Status!.OutputModel = new OutputModel { Uri = "pvc://models/resnet18/4/model.onnx", Sha256 = Sha };
        var start = Decide(resumed);
        Assert.Equal([0, 1], start.CreateRanks);
        Assert.Null(start.Status.OutputModel);
    }

    private static OutputReaderState Reader(string phase, int? exitCode = null, string? message = null) => new()
    {
        Name = "ft-output-reader",
        Phase = phase,
        ExitCode = exitCode,
        TerminationMessage = message,
        CreatedAt = Now.UtcDateTime.AddSeconds(-1),
    };

    [Fact]
    public void One_worker_done_while_another_runs_is_still_running()
    {
        var plan = Decide(Running(), Worker(0, 1, "Running"), Worker(1, 1, "Succeeded", exitCode: 0));
        Assert.Equal(TrainingJobPhase.Running, plan.Status.Phase);
        Assert.Equal(1, plan.Status.Workers!.Succeeded);
    }

    [Fact]
    public void Ttl_deletes_a_finished_job_when_it_has_passed()
    {
        var job = Job();
        job.Spec.TtlSecondsAfterFinished = 60;
        var done = Decide(Running(job), Worker(0, 1, "Succeeded", exitCode: 0, message: Report), Worker(1, 1, "Succeeded", exitCode: 0));
        Assert.Equal(TimeSpan.FromSeconds(60), done.RequeueAfter);
        var finished = With(job, done.Status);
        var before = Decide(finished, Now.AddSeconds(20));
        Assert.False(before.DeleteJob);
        Assert.Equal(TimeSpan.FromSeconds(40), before.RequeueAfter);
        Assert.True(Decide(finished, Now.AddSeconds(60)).DeleteJob);
    }

    [Fact]
    public void The_active_deadline_fails_the_job()
    {
        var job = Job();
        job.Spec.ActiveDeadlineSeconds = 100;
        var running = Running(job);
        Assert.Equal(TimeSpan.FromSeconds(40), Decide(running, Now.AddSeconds(60), Worker(0, 1), Worker(1, 1)).RequeueAfter);
        var plan = Decide(running, Now.AddSeconds(100), Worker(0, 1), Worker(1, 1));
        Assert.Equal(TrainingJobPhase.Failed, plan.Status.Phase);
        Assert.Equal("DeadlineExceeded", Conditions.Find(plan.Status.Conditions, "Failed")!.Reason);
        Assert.Equal(["ft-worker-0", "ft-worker-1"], plan.DeletePods.Order());
    }

    [Fact]
    public void Suspend_tears_the_gang_down_and_resume_starts_a_fresh_one_without_a_restart()
    {
        var job = Running();
        job.Spec.Suspend = true;
        var suspended = Decide(job, Worker(0, 1), Worker(1, 1));
        Assert.Equal(TrainingJobPhase.Suspended, suspended.Status.Phase);
        Assert.Equal(["ft-worker-0", "ft-worker-1"], suspended.DeletePods.Order());
        Assert.Null(suspended.Status.StartTime);
        Assert.True(Conditions.IsTrue(suspended.Status.Conditions, "Suspended"));

        var resumed = With(job, suspended.Status);
        resumed.Spec.Suspend = false;
        var waitingForOldPods = Decide(resumed, Worker(0, 1, terminating: true));
        Assert.Empty(waitingForOldPods.CreateRanks);
        Assert.Equal(TrainingJobPhase.Pending, waitingForOldPods.Status.Phase);
        var plan = Decide(resumed);
        Assert.Equal([0, 1], plan.CreateRanks);
        Assert.Equal((2, 0), (plan.Status.Attempt!.Value, plan.Status.Restarts!.Value));
    }

    [Fact]
    public void A_job_created_suspended_creates_nothing()
    {
        var job = Job();
        job.Spec.Suspend = true;
        var plan = Decide(job);
        Assert.Equal(TrainingJobPhase.Suspended, plan.Status.Phase);
        Assert.Empty(plan.CreateRanks);
        Assert.Equal(0, plan.Status.Attempt);
        Assert.False(plan.EnsureService);
    }

    [Fact]
    public void Pods_of_a_newer_gang_than_the_cached_status_mean_the_cache_is_behind_and_nothing_is_decided()
    {
        var job = Job();
        var plan = Decide(job, Worker(0, 1), Worker(1, 1));
        Assert.Null(plan.Status.Phase);
        Assert.Empty(plan.CreateRanks);
        Assert.Empty(plan.DeletePods);
        Assert.NotNull(plan.RequeueAfter);
    }

    [Fact]
    public void A_spec_change_under_a_live_gang_restarts_it_without_counting_a_restart()
    {
        var job = Running();
        job.Metadata.Generation = 2;
        WorkerState[] gang = [Worker(0, 1) with { TemplateHash = "old" }, Worker(1, 1) with { TemplateHash = "old" }];

        var same = GangDecision.Decide(new GangObservation(job, gang, new HashSet<int>(), TemplateHash: "old"), Now);
        Assert.Empty(same.DeletePods);

        var changed = GangDecision.Decide(new GangObservation(job, gang, new HashSet<int>(), TemplateHash: "new"), Now);
        Assert.Equal((TrainingJobPhase.Restarting, 0), (changed.Status.Phase!.Value, changed.Status.Restarts!.Value));
        Assert.Null(changed.Status.LastFailure);
        Assert.Equal(["ft-worker-0", "ft-worker-1"], changed.DeletePods);
        var told = Assert.Single(changed.Events);
        Assert.Equal((EventRecorder.Normal, "SpecChanged"), (told.Type, told.Reason));
        Assert.Contains("generation 2", told.Message, StringComparison.Ordinal);

        // Once the old pods are gone, the next gang starts at once, still with no restart counted.
        var next = Decide(With(job, changed.Status), Now.AddSeconds(1));
        Assert.Equal((2, 0), (next.Status.Attempt!.Value, next.Status.Restarts!.Value));
        Assert.Equal([0, 1], next.CreateRanks);
    }

    [Fact]
    public void A_spec_change_leaves_finished_workers_and_pods_made_before_the_hash_alone()
    {
        var job = Running();
        var succeeded = GangDecision.Decide(new GangObservation(job,
            [Worker(0, 1, "Succeeded", exitCode: 0, message: Report) with { TemplateHash = "old" }, Worker(1, 1, "Succeeded", exitCode: 0) with { TemplateHash = "old" }],
            new HashSet<int>(), TemplateHash: "new"), Now);
        Assert.Equal(TrainingJobPhase.Succeeded, succeeded.Status.Phase);

        var unlabelled = GangDecision.Decide(new GangObservation(job, [Worker(0, 1), Worker(1, 1)], new HashSet<int>(), TemplateHash: "new"), Now);
        Assert.Equal(TrainingJobPhase.Running, unlabelled.Status.Phase);
        Assert.Empty(unlabelled.DeletePods);
    }

    [Fact]
    public void Workers_beyond_a_shrunk_spec_are_stopped_and_the_rest_can_still_succeed()
    {
        var three = Job(workers: 3);
        var created = With(three, Decide(three).Status);
        var job = With(three, Decide(created, Worker(0, 1), Worker(1, 1), Worker(2, 1)).Status);
        Assert.Equal("3/3", job.Status!.WorkersRunning);
        job.Spec.Workers = 2;
        var plan = Decide(job, Worker(0, 1, "Succeeded", exitCode: 0, message: Report), Worker(1, 1, "Succeeded", exitCode: 0), Worker(2, 1));
        Assert.Equal(TrainingJobPhase.Succeeded, plan.Status.Phase);
        var running = Decide(job, Worker(0, 1), Worker(1, 1), Worker(2, 1));
        Assert.Equal(["ft-worker-2"], running.DeletePods);
        Assert.Equal("2/2", running.Status.WorkersRunning);
    }
}
