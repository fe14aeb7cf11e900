using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Workloads;

// Decisions of the Job controller for non-indexed Jobs: how many pods to start, which to stop, and
// the status, following kube-controller-manager's job controller (completions/parallelism,
// backoffLimit over failed pods, activeDeadlineSeconds, suspend; Complete/Failed are terminal).
internal static class JobPlan
{
    public static bool IsFinished(V1Job job) =>
        job.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true;

    public static JobDecision Decide(V1Job job, IReadOnlyCollection<V1Pod> owned, DateTimeOffset now)
    {
        var spec = job.Spec;
        var succeeded = owned.Count(p => p.Status?.Phase == "Succeeded");
        var failed = owned.Count(p => p.Status?.Phase == "Failed");
        var active = owned.Where(p => p.Status?.Phase is not ("Succeeded" or "Failed") && p.Metadata.DeletionTimestamp is null).ToList();
        var conditions = job.Status?.Conditions?.ToList() ?? [];
        var suspended = spec.Suspend == true;
        DateTime? startTime = job.Status?.StartTime ?? (suspended ? null : now.UtcDateTime);

        string? failure = null;
        string? failureMessage = null;
        if (failed > (spec.BackoffLimit ?? 6))
        {
            (failure, failureMessage) = ("BackoffLimitExceeded", "Job has reached the specified backoff limit");
        }
        else if (spec.ActiveDeadlineSeconds is { } deadline && startTime is { } started && now.UtcDateTime - started >= TimeSpan.FromSeconds(deadline))
        {
            (failure, failureMessage) = ("DeadlineExceeded", "Job was active longer than specified deadline");
        }

        var parallelism = Math.Max(0, spec.Parallelism ?? 1);
        var complete = spec.Completions is { } completions ? succeeded >= completions : succeeded > 0 && active.Count == 0;
        var wantActive = failure is not null || complete || suspended ? 0
            : spec.Completions is { } c ? Math.Min(parallelism, c - succeeded)
            : succeeded > 0 ? active.Count : parallelism;

        var toDelete = active.Count > wantActive
            ? active.OrderByDescending(p => p.Metadata.CreationTimestamp ?? DateTime.MaxValue).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).Take(active.Count - wantActive).ToList()
            : [];
        var toCreate = Math.Max(0, wantActive - active.Count);

        DateTime? completionTime = job.Status?.CompletionTime;
        if (failure is not null)
        {
            SetCondition(conditions, "FailureTarget", failure, failureMessage!, now);
            SetCondition(conditions, "Failed", failure, failureMessage!, now);
        }
        else if (complete)
        {
            SetCondition(conditions, "SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now);
            SetCondition(conditions, "Complete", "CompletionsReached", "Reached expected number of succeeded pods", now);
            completionTime ??= now.UtcDateTime;
        }

        if (suspended && failure is null && !complete)
        {
            SetCondition(conditions, "Suspended", "JobSuspended", "Job suspended", now);
        }
        else if (conditions.Find(x => x.Type == "Suspended" && x.Status == "True") is { } resumed)
        {
            conditions[conditions.IndexOf(resumed)] = new V1JobCondition { Type = "Suspended", Status = "False", Reason = "JobResumed", Message = "Job resumed", LastProbeTime = now.UtcDateTime, LastTransitionTime = now.UtcDateTime };
        }

        var stillActive = active.Except(toDelete).ToList();
        var status = new V1JobStatus
        {
            StartTime = startTime,
            CompletionTime = completionTime,
            Active = stillActive.Count + toCreate,
            Ready = stillActive.Count(PodReadiness.IsReady),
            Succeeded = succeeded,
            Failed = failed,
            Terminating = 0,
            UncountedTerminatedPods = new V1UncountedTerminatedPods(),
            Conditions = conditions.Count == 0 ? null : conditions,
        };
        return new JobDecision(toCreate, toDelete, status, failure, complete && failure is null);
    }

    private static void SetCondition(List<V1JobCondition> conditions, string type, string reason, string message, DateTimeOffset now)
    {
        if (conditions.Any(c => c.Type == type && c.Status == "True"))
        {
            return;
        }

        conditions.RemoveAll(c => c.Type == type);
        conditions.Add(new V1JobCondition { Type = type, Status = "True", Reason = reason, Message = message, LastProbeTime = now.UtcDateTime, LastTransitionTime = now.UtcDateTime });
    }
}
