using System.Globalization;
using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Events;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Status;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>
/// The TrainingJob state machine (pure). Everything it remembers lives in status (attempt, restarts,
/// nextGangAt, phase), so resyncs and operator restarts decide the same; a finished job is never reopened.
/// A gang is "open" while status.attempt names it and no nextGangAt is set; failures count only for pods of the
/// open gang, so one failure is counted once however often it is observed.
/// </summary>
internal static class GangDecision
{
    public const int DefaultBackoffLimit = 3;
    public const int DefaultScheduleTimeoutSeconds = 300;
    private static readonly TimeSpan RetryBackoffBase = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryBackoffMax = TimeSpan.FromMinutes(5);

    // Pods of a gang newer than status.attempt mean the cached status is older than the pods: look again shortly.
    private static readonly TimeSpan StaleRetry = TimeSpan.FromSeconds(1);

    public static GangPlan Decide(GangObservation observed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(observed);
        var job = observed.Job;
        var generation = job.Metadata.Generation;
        var status = TrainingJobStatusProjection.Copy(job.Status);
        var attempt = status.Attempt ?? 0;
        if (TrainingJobStatusProjection.IsFinished(job.Status))
        {
            return Finished(observed, status, now);
        }

        if (observed.Workers.Any(w => w.Gang > attempt))
        {
            return new GangPlan { Status = TrainingJobStatusProjection.Copy(job.Status), RequeueAfter = StaleRetry };
        }

        status.ObservedGeneration = generation;
        status.Conditions = Conditions.Set(status.Conditions, TrainingJobStatusProjection.SpecValid, true, "Valid", "spec passed validation", generation, now);
        status.Restarts ??= 0;
        status.Attempt = attempt;
        var workers = TrainingJobChildren.Workers(job);
        var gang = observed.Workers.Where(w => w.Gang == attempt).ToList();

        if (job.Spec.Suspend == true)
        {
            return Suspend(observed, status, gang, workers, now);
        }

        var deadline = Deadline(job, status);
        if (deadline is { } due && now >= due)
        {
            return Fail(observed, status, gang, workers, "DeadlineExceeded",
                $"the job ran longer than activeDeadlineSeconds ({job.Spec.ActiveDeadlineSeconds}s)", now);
        }

        var open = attempt > 0 && status.NextGangAt is null && status.Phase is not (TrainingJobPhase.Suspended or TrainingJobPhase.Failed or TrainingJobPhase.Pending);
        var plan = open ? Open(observed, status, gang, workers, now) : StartNext(observed, status, workers, now);
        return WithDeadline(WithNextGang(plan, now), deadline, now);
    }

    // No gang runs: old pods go first (the new gang reuses their names), then the next gang starts when its time comes.
    private static GangPlan StartNext(GangObservation observed, TrainingJobStatus status, int workers, DateTimeOffset now)
    {
        var job = observed.Job;
        var generation = job.Metadata.Generation;
        var resuming = status.Phase == TrainingJobPhase.Suspended;
        if (resuming || status.Phase is null || status.Phase == TrainingJobPhase.Failed)
        {
            // First start, a resume, or a spec that became valid again.
            TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Pending, resuming ? "Resumed" : "Starting",
                resuming ? "resumed; a new gang starts from the latest checkpoint" : "the first gang is being created", generation, now);
            status.NextGangAt = null;
        }

        TrainingJobStatusProjection.SetCounts(status, observed.Workers.Where(w => w.Gang == status.Attempt), workers);
        var remaining = observed.Workers;
        if (remaining.Count > 0 || observed.Reader is not null)
        {
            return new GangPlan
            {
                Status = status,
                DeletePods = [.. remaining.Where(w => !w.Terminating).Select(w => w.Name), .. Reader(observed)],
                EnsureService = true,
            };
        }

        if (status.NextGangAt is { } at && now < at)
        {
            return new GangPlan { Status = status, EnsureService = true, RequeueAfter = at - now };
        }

        var next = (status.Attempt ?? 0) + 1;
        status.Attempt = next;
        status.NextGangAt = null;

        // A report an earlier gang's reader left in status describes a model the new gang will overwrite.
        status.OutputModel = null;
        status.StartTime ??= Truncate(now);
        TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Scheduling, "GangCreated",
            $"gang {next}: {workers} workers created, waiting for all to be scheduled", generation, now);
        TrainingJobStatusProjection.SetCounts(status, [], workers);
        status.Workers!.Pending = workers;
        return new GangPlan
        {
            Status = status,
            EnsureService = true,
            CreateRanks = [.. Enumerable.Range(0, workers)],
            Events = [new PlannedEvent(EventRecorder.Normal, "GangCreated", $"gang {next}: created {workers} worker pods")],
            RequeueAfter = TimeSpan.FromSeconds(ScheduleTimeoutSeconds(job)),
        };
    }

    private static GangPlan Open(GangObservation observed, TrainingJobStatus status, List<WorkerState> gang, int workers, DateTimeOffset now)
    {
        var job = observed.Job;
        var generation = job.Metadata.Generation;
        var attempt = status.Attempt ?? 0;
        // Ranks beyond spec.workers (the spec shrank mid-run) are not part of the gang any more.
        var old = observed.Workers.Where(w => (w.Gang < attempt || w.Rank >= workers) && !w.Terminating).Select(w => w.Name).ToList();
        gang = [.. gang.Where(w => w.Rank < workers)];
        TrainingJobStatusProjection.SetCounts(status, gang, workers);
        var byRank = gang.GroupBy(w => w.Rank).ToDictionary(g => g.Key, g => g.First());

        if (observed.CreateRefused is { } refused && refused.Gang == attempt)
        {
            return CreateRefused(observed, status, gang, old, refused, now);
        }

        if (observed.TemplateHash is { } hash && gang.Any(w => !w.Finished && w.TemplateHash is { } made && made != hash))
        {
            return SpecChanged(observed, status, gang, old, now);
        }

        // The API server took every pod of this gang: a refusal reported for an earlier one is over.
        status.Conditions = ChildWriteFailure.Cleared(status.Conditions);

        if (FirstFailure(byRank, workers, observed.CreatesInFlight, now) is { } failure)
        {
            status.LastFailure = failure;
            var restarts = status.Restarts ?? 0;
            var backoffLimit = job.Spec.BackoffLimit ?? DefaultBackoffLimit;
            var what = Describe(failure);
            var failReason = RestartDecision.FailureReason(job.Spec.RestartPolicy ?? TrainingRestartPolicy.OnFailure, failure, restarts, backoffLimit);
            if (failReason is not null)
            {
                var message = failReason switch
                {
                    "BackoffLimitExceeded" => $"{what}; backoffLimit ({backoffLimit}) reached after {restarts} restarts",
                    "NonRetryableExitCode" => $"{what}; restartPolicy ExitCode does not retry exit codes 1-127",
                    _ => $"{what}; restartPolicy Never",
                };
                return Fail(observed, status, gang, workers, failReason, message, now);
            }

            status.Restarts = restarts + 1;
            status.NextGangAt = Truncate(now);
            TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Restarting, "WorkerFailed",
                $"{what}; restarting the whole gang (restart {restarts + 1} of {backoffLimit})", generation, now);
            return new GangPlan
            {
                Status = status,
                EnsureService = true,
                DeletePods = [.. gang.Where(w => !w.Terminating).Select(w => w.Name).Concat(old)],
                Events = [new PlannedEvent(EventRecorder.Warning, "WorkerFailed", $"{what}; restarting the gang ({restarts + 1}/{backoffLimit})")],
            };
        }

        if (byRank.Count == workers && byRank.Values.All(w => w.Phase == "Succeeded"))
        {
            return Complete(observed, status, [.. byRank.Values], now);
        }

        var waiting = Enumerable.Range(0, workers).Where(r => !byRank.TryGetValue(r, out var w) || !w.Scheduled).ToList();
        if (waiting.Count == 0)
        {
            if (status.Phase != TrainingJobPhase.Running)
            {
                TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Running, "AllWorkersScheduled",
                    $"gang {attempt}: all {workers} workers scheduled", generation, now);
            }

            return new GangPlan { Status = status, EnsureService = true, DeletePods = old };
        }

        var timeout = TimeSpan.FromSeconds(ScheduleTimeoutSeconds(job));
        var createdAt = gang.Select(w => w.CreatedAt).Where(t => t is not null).Min() is { } first
            ? new DateTimeOffset(DateTime.SpecifyKind(first, DateTimeKind.Utc))
            : now;
        if (now - createdAt < timeout || waiting.Any(r => !byRank.ContainsKey(r)))
        {
            var message = $"gang {attempt}: {workers - waiting.Count}/{workers} workers scheduled";
            if (status.Phase != TrainingJobPhase.Scheduling || Conditions.Find(status.Conditions, TrainingJobStatusProjection.Scheduled)?.Message != message)
            {
                TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Scheduling, "GangPending", message, generation, now);
            }

            var left = createdAt + timeout - now;
            return new GangPlan { Status = status, EnsureService = true, DeletePods = old, RequeueAfter = left > TimeSpan.Zero ? left : StaleRetry };
        }

        // Not all scheduled in time: tear the gang down so the scheduled workers do not hold GPUs the rest wait for.
        var messages = waiting.Select(r => byRank[r].UnschedulableMessage).Where(m => !string.IsNullOrEmpty(m)).ToList();
        var shortOf = UnschedulableMessage.ShortResources(messages);
        var timeouts = (status.ScheduleTimeouts ?? 0) + 1;
        var retryIn = RetryDelay(timeout, timeouts);
        status.ScheduleTimeouts = timeouts;
        status.NextGangAt = Truncate(now + retryIn);
        // The scheduler's own words follow in brackets when it gave any; without them, none looked at the pods
        // (a schedulerName nothing serves, or a scheduler that is down).
        var why = shortOf.Count > 0 ? $"short of {string.Join(", ", shortOf)}"
            : messages.Count > 0 ? "the scheduler found no node for them" : "no scheduler placed them";
        var detail = messages.Count > 0 ? $" ({messages[0]})" : "";
        var text = string.Create(CultureInfo.InvariantCulture,
            $"gang {attempt}: {waiting.Count}/{workers} workers not scheduled within {timeout.TotalSeconds:0}s, {why}{detail}; torn down, retrying in {retryIn.TotalSeconds:0}s");
        TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Scheduling, "GangTimeout", text, generation, now);
        return new GangPlan
        {
            Status = status,
            EnsureService = true,
            DeletePods = [.. gang.Where(w => !w.Terminating).Select(w => w.Name).Concat(old)],
            Events = [new PlannedEvent(EventRecorder.Warning, "GangScheduleTimeout", text)],
            RequeueAfter = retryIn,
        };
    }

    // A worker the API server would not create (a missing PriorityClass, a quota, an admission webhook), or a gang
    // held back because its rendezvous Service name is taken, never ran: no restart is spent. As the Job controller
    // does with FailedCreate, it is reported in the API server's words and retried with backoff; the gang goes
    // first, so a partial one holds no GPUs meanwhile.
    private static GangPlan CreateRefused(GangObservation observed, TrainingJobStatus status, List<WorkerState> gang, List<string> old, GangCreateRefusal refused, DateTimeOffset now)
    {
        var retryIn = ChildWriteFailure.RetryAfter(status.Conditions, now);
        status.Conditions = refused.Failure.SetOn(status.Conditions, observed.Job.Metadata.Generation, now);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"gang {status.Attempt}: {refused.Child} could not be created, retrying in {retryIn.TotalSeconds:0}s: {refused.Failure.Message}");
        return TearDown(observed, status, gang, old, TrainingJobPhase.Scheduling, new PlannedEvent(EventRecorder.Warning, "FailedCreate", text), retryIn, now);
    }

    // The workers' spec changed under a live gang (image, env, workers...): its pods would never pick the change up,
    // and resizing it in place would leave ranks waiting on a rendezvous of the old size. As a suspend and resume
    // does, the gang goes and a new one starts from the latest checkpoint; a person's edit is no worker failure, so
    // no restart is counted.
    private static GangPlan SpecChanged(GangObservation observed, TrainingJobStatus status, List<WorkerState> gang, List<string> old, DateTimeOffset now)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"gang {status.Attempt}: the spec changed (generation {observed.Job.Metadata.Generation}); restarting the gang from the latest checkpoint, no restart counted");
        return TearDown(observed, status, gang, old, TrainingJobPhase.Restarting, new PlannedEvent(EventRecorder.Normal, "SpecChanged", text), TimeSpan.Zero, now);
    }

    // The gang (and pods of older gangs) goes without counting a restart; the next one starts after nextGangAt.
    private static GangPlan TearDown(
        GangObservation observed, TrainingJobStatus status, List<WorkerState> gang, List<string> old, TrainingJobPhase phase, PlannedEvent told, TimeSpan nextIn, DateTimeOffset now)
    {
        var job = observed.Job;
        status.NextGangAt = Truncate(now + nextIn);
        TrainingJobStatusProjection.SetPhase(status, phase, told.Reason, told.Message, job.Metadata.Generation, now);
        string[] deletes = [.. gang.Where(w => !w.Terminating).Select(w => w.Name).Concat(old)];
        TrainingJobStatusProjection.SetCounts(status, Remaining(gang, deletes), TrainingJobChildren.Workers(job));
        return new GangPlan
        {
            Status = status,
            EnsureService = true,
            DeletePods = deletes,
            Events = [told],
            RequeueAfter = nextIn > TimeSpan.Zero ? nextIn : null,
        };
    }

    // Every worker exited 0: rank 0's report makes the job Succeeded at once; without one the output reader pod reads the model first.
    private static GangPlan Complete(GangObservation observed, TrainingJobStatus status, List<WorkerState> gang, DateTimeOffset now)
    {
        var job = observed.Job;
        var rank0 = gang.First(w => w.Rank == 0);
        if (TrainerReport.Parse(rank0.TerminationMessage, out var problem) is { } report)
        {
            return Succeed(observed, status, report, "rank 0", now);
        }

        var readingSince = gang.Select(w => w.FinishedAt).Where(t => t is not null).Max() is { } last
            ? new DateTimeOffset(DateTime.SpecifyKind(last, DateTimeKind.Utc))
            : (DateTimeOffset?)null;
        var reader = observed.Reader;
        var outcome = OutputReaderDecision.Decide(status.OutputModel, reader, readingSince, now);
        var readerName = TrainingJobChildren.OutputReaderName(job);
        var workers = TrainingJobChildren.Workers(job);
        switch (outcome.Step)
        {
            case OutputReaderStep.Succeed:
                return Succeed(observed, status, TrainerReport.Of(status.OutputModel!), $"output reader pod {readerName}", now);
            case OutputReaderStep.Fail:
                return Fail(observed, status, gang, workers, "OutputReadFailed",
                    $"all {workers} workers exited 0 but the output could not be read: {outcome.Failure}", now);
            case OutputReaderStep.Record or OutputReaderStep.WaitGone:
                if (outcome.Report is { } read)
                {
                    status.OutputModel = OutputModelOf(job, read);
                }

                Reading(status, job, $"all {workers} workers exited 0; output reader pod {readerName} read the model, deleting it", now);
                return new GangPlan
                {
                    Status = status,
                    EnsureService = true,
                    DeletePods = outcome.Step == OutputReaderStep.Record ? [readerName] : [],
                };
            default:
                status.OutputModel = null;
                Reading(status, job, $"all {workers} workers exited 0 and {problem}: output reader pod {readerName} computes the sha256 and reads metrics.json", now);
                return new GangPlan
                {
                    Status = status,
                    EnsureService = true,
                    CreateOutputReader = outcome.Step == OutputReaderStep.Create,
                    Events = outcome.Step == OutputReaderStep.Create && reader is null && Conditions.Find(job.Status?.Conditions, TrainingJobStatusProjection.Running)?.Reason != "ReadingOutput"
                        ? [new PlannedEvent(EventRecorder.Normal, "ReadingOutput", $"{problem}: reading the output with pod {readerName}")]
                        : [],
                    RequeueAfter = outcome.RequeueAfter,
                };
        }
    }

    // Phase stays Running while the output is read: Succeeded means outputModel is final.
    private static void Reading(TrainingJobStatus status, TrainingJob job, string message, DateTimeOffset now)
    {
        if (status.Phase != TrainingJobPhase.Running || Conditions.Find(status.Conditions, TrainingJobStatusProjection.Running)?.Message != message)
        {
            TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Running, "ReadingOutput", message, job.Metadata.Generation, now);
        }
    }

    private static OutputModel OutputModelOf(TrainingJob job, TrainerReport report)
    {
        var output = job.Spec.Output!;
        return new OutputModel
        {
            Uri = $"pvc://{output.ClaimName}/{output.Path}",
            Version = string.IsNullOrEmpty(output.ModelVersion) ? null : output.ModelVersion,
            Sha256 = report.Sha256,
            Metrics = report.Metrics is { } metrics ? new Dictionary<string, double>(metrics, StringComparer.Ordinal) : null,
        };
    }

    private static GangPlan Succeed(GangObservation observed, TrainingJobStatus status, TrainerReport report, string reportedBy, DateTimeOffset now)
    {
        var job = observed.Job;
        status.OutputModel = OutputModelOf(job, report);
        status.CompletionTime = Truncate(now);
        status.NextGangAt = null;
        var message = $"all {TrainingJobChildren.Workers(job)} workers exited 0; model at {status.OutputModel.Uri}, reported by {reportedBy}";
        if (report.Sha256 is null)
        {
            message += " without a sha256";
        }

        TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Succeeded, "AllWorkersSucceeded", message, job.Metadata.Generation, now);
        return new GangPlan { Status = status, Events = [new PlannedEvent(EventRecorder.Normal, "Succeeded", message)], RequeueAfter = TtlLeft(job, status, now) };
    }

    private static GangPlan Fail(GangObservation observed, TrainingJobStatus status, List<WorkerState> gang, int workers, string reason, string message, DateTimeOffset now)
    {
        var job = observed.Job;
        status.CompletionTime = Truncate(now);
        status.NextGangAt = null;
        string[] deletes = [.. Unfinished(observed.Workers), .. UnfinishedReader(observed)];
        TrainingJobStatusProjection.SetCounts(status, Remaining(gang, deletes), workers);
        TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Failed, reason, message, job.Metadata.Generation, now);
        return new GangPlan
        {
            Status = status,
            DeletePods = deletes,
            Events = [new PlannedEvent(EventRecorder.Warning, reason, message)],
            RequeueAfter = TtlLeft(job, status, now),
        };
    }

    private static GangPlan Suspend(GangObservation observed, TrainingJobStatus status, List<WorkerState> gang, int workers, DateTimeOffset now)
    {
        var job = observed.Job;
        var events = new List<PlannedEvent>();
        if (status.Phase != TrainingJobPhase.Suspended)
        {
            // As for a Kubernetes Job: the deadline counts running time, so it starts again on resume.
            status.StartTime = null;
            status.NextGangAt = null;
            TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Suspended, "Suspended",
                "spec.suspend is true: no worker runs; resuming starts a new gang from the latest checkpoint", job.Metadata.Generation, now);
            events.Add(new PlannedEvent(EventRecorder.Normal, "Suspended", gang.Count > 0 ? $"gang {status.Attempt} torn down" : "created suspended: no worker started"));
        }

        TrainingJobStatusProjection.SetCounts(status, gang, workers);
        return new GangPlan
        {
            Status = status,
            DeletePods = [.. observed.Workers.Where(w => !w.Terminating).Select(w => w.Name), .. Reader(observed)],
            Events = events,
        };
    }

    // Finished: nothing is created again; unfinished leftovers go, and the TTL runs.
    private static GangPlan Finished(GangObservation observed, TrainingJobStatus status, DateTimeOffset now)
    {
        var job = observed.Job;

        // A spec edit after the end is seen (GitOps tools wait for observedGeneration) but changes nothing.
        status.ObservedGeneration = job.Metadata.Generation;
        var ttlLeft = TtlLeft(job, status, now);
        var expired = (job.Spec.TtlSecondsAfterFinished ?? 0) > 0 && status.CompletionTime is not null && ttlLeft is null;
        string[] deletes = expired ? [] : [.. Unfinished(observed.Workers), .. UnfinishedReader(observed)];

        // The phase stays; the counts follow the pods that are left, so a torn-down gang (or a pod deleted
        // by hand later) does not go on showing as running.
        var workers = TrainingJobChildren.Workers(job);
        var gang = observed.Workers.Where(w => w.Gang == (status.Attempt ?? 0) && w.Rank < workers);
        TrainingJobStatusProjection.SetCounts(status, Remaining(gang, deletes), workers);
        return new GangPlan
        {
            Status = status,
            DeletePods = deletes,
            DeleteJob = expired,
            RequeueAfter = ttlLeft,
        };
    }

    // The failure that came first: the one the others probably followed (peers exit once rank N is gone).
    private static WorkerFailure? FirstFailure(Dictionary<int, WorkerState> byRank, int workers, IReadOnlySet<int> inFlight, DateTimeOffset now)
    {
        var failures = new List<WorkerFailure>();
        for (var rank = 0; rank < workers; rank++)
        {
            if (!byRank.TryGetValue(rank, out var worker))
            {
                if (!inFlight.Contains(rank))
                {
                    failures.Add(new WorkerFailure { Worker = rank, Reason = "Deleted", At = Truncate(now) });
                }

                continue;
            }

            if (worker.Phase == "Failed")
            {
                failures.Add(new WorkerFailure
                {
                    Worker = rank,
                    Reason = string.IsNullOrEmpty(worker.Reason) ? "Error" : worker.Reason,
                    ExitCode = worker.ExitCode,
                    At = worker.FinishedAt ?? Truncate(now),
                });
            }
            else if (worker.Terminating && !worker.Finished)
            {
                // Only the operator deletes pods of a closed gang; a pod of the open gang going away was deleted or evicted by someone else.
                failures.Add(new WorkerFailure { Worker = rank, Reason = "Deleted", At = Truncate(now) });
            }
        }

        return failures.OrderBy(f => f.At).ThenBy(f => f.Worker).FirstOrDefault();
    }

    private static string Describe(WorkerFailure failure) =>
        failure.ExitCode is { } code
            ? string.Create(CultureInfo.InvariantCulture, $"worker {failure.Worker} failed ({failure.Reason}, exit code {code})")
            : $"worker {failure.Worker} {(failure.Reason == "Deleted" ? "was deleted" : $"failed ({failure.Reason})")}";

    // Pods this plan deletes count as going: status shows the gang as it is left, not as it was.
    private static IEnumerable<WorkerState> Remaining(IEnumerable<WorkerState> gang, IReadOnlyCollection<string> deletes) =>
        gang.Select(w => deletes.Contains(w.Name) ? w with { Terminating = true } : w);

    private static string[] Reader(GangObservation observed) =>
        observed.Reader is { Terminating: false } reader ? [reader.Name] : [];

    private static string[] UnfinishedReader(GangObservation observed) =>
        observed.Reader is { Terminating: false, Finished: false } reader ? [reader.Name] : [];

    private static string[] Unfinished(IReadOnlyList<WorkerState> workers) =>
        [.. workers.Where(w => !w.Finished && !w.Terminating).Select(w => w.Name)];

    private static int ScheduleTimeoutSeconds(TrainingJob job) => job.Spec.Gang?.ScheduleTimeoutSeconds ?? DefaultScheduleTimeoutSeconds;

    /// <summary>Scheduling retries back off from min(10s, timeout), doubling, at most 5 minutes.</summary>
    public static TimeSpan RetryDelay(TimeSpan scheduleTimeout, int timeouts)
    {
        var baseDelay = scheduleTimeout < RetryBackoffBase ? scheduleTimeout : RetryBackoffBase;
        var factor = Math.Pow(2, Math.Clamp(timeouts - 1, 0, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(baseDelay.Ticks * factor, RetryBackoffMax.Ticks));
        return delay < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay;
    }

    private static DateTimeOffset? Deadline(TrainingJob job, TrainingJobStatus status) =>
        job.Spec.ActiveDeadlineSeconds is { } seconds && seconds > 0 && status.StartTime is { } start
            ? new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc)).AddSeconds(seconds)
            : null;

    // A job waiting for its next gang must be looked at again by then: its own status write does not wake it
    // (an echo), and there may be no pod left whose deletion would.
    private static GangPlan WithNextGang(GangPlan plan, DateTimeOffset now)
    {
        if (plan.Status.NextGangAt is not { } at || plan.Status.Phase is TrainingJobPhase.Failed or TrainingJobPhase.Succeeded)
        {
            return plan;
        }

        var left = new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) - now;
        if (left < StaleRetry)
        {
            left = StaleRetry;
        }

        return plan with { RequeueAfter = plan.RequeueAfter is { } after && after < left ? after : left };
    }

    private static GangPlan WithDeadline(GangPlan plan, DateTimeOffset? deadline, DateTimeOffset now)
    {
        if (deadline is not { } due || plan.Status.Phase is TrainingJobPhase.Failed or TrainingJobPhase.Succeeded)
        {
            return plan;
        }

        var left = due - now;
        if (left <= TimeSpan.Zero)
        {
            left = StaleRetry;
        }

        return plan with { RequeueAfter = plan.RequeueAfter is { } after && after < left ? after : left };
    }

    /// <summary>Time until the finished job is deleted; null when there is no TTL or it has passed.</summary>
    private static TimeSpan? TtlLeft(TrainingJob job, TrainingJobStatus status, DateTimeOffset now)
    {
        if (job.Spec.TtlSecondsAfterFinished is not > 0 || status.CompletionTime is not { } completed)
        {
            return null;
        }

        var left = new DateTimeOffset(DateTime.SpecifyKind(completed, DateTimeKind.Utc)).AddSeconds(job.Spec.TtlSecondsAfterFinished.Value) - now;
        return left > TimeSpan.Zero ? left : null;
    }

    // Status times are whole seconds (RFC 3339): sub-seconds would make every write look like a change.
    private static DateTime Truncate(DateTimeOffset now) => new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
