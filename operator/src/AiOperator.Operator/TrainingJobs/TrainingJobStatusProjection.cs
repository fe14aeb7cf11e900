using System.Globalization;
using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>Status shapes of a TrainingJob (pure): phase with its conditions, worker counts, invalid spec.</summary>
internal static class TrainingJobStatusProjection
{
    public const string SpecValid = "SpecValid";
    public const string Scheduled = "Scheduled";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Suspended = "Suspended";

    public static TrainingJobStatus Copy(TrainingJobStatus? status) =>
        status is null ? new TrainingJobStatus() : ObjectCopy.Clone(status);

    public static bool IsFinished(TrainingJobStatus? status) =>
        status?.Phase == TrainingJobPhase.Succeeded
        || status?.Phase == TrainingJobPhase.Failed && Conditions.Find(status.Conditions, SpecValid)?.Status != "False";

    public static TrainingJobStatus Invalid(TrainingJob job, IReadOnlyList<FieldError> errors, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        var status = Copy(job.Status);
        var generation = job.Metadata.Generation;
        status.ObservedGeneration = generation;
        status.Conditions = Conditions.Set(status.Conditions, SpecValid, false, "InvalidSpec", string.Join("; ", errors), generation, now);
        SetPhase(status, TrainingJobPhase.Failed, "InvalidSpec", "spec is invalid; see condition SpecValid", generation, now);
        return status;
    }

    /// <summary>Sets the phase and the conditions that follow from it: the phase's own condition True with reason and message, the others False.</summary>
    public static void SetPhase(TrainingJobStatus status, TrainingJobPhase phase, string reason, string message, long? generation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.Phase = phase;
        var phaseName = phase.ToString();
        var scheduled = phase is TrainingJobPhase.Running or TrainingJobPhase.Succeeded;
        var conditions = Conditions.Set(status.Conditions, Scheduled, scheduled,
            scheduled ? "AllWorkersScheduled" : phase == TrainingJobPhase.Scheduling ? reason : phaseName,
            scheduled ? "every worker of the gang was scheduled" : phase == TrainingJobPhase.Scheduling ? message : $"no gang is being scheduled ({phaseName})",
            generation, now);
        conditions = Set(conditions, Running, phase == TrainingJobPhase.Running, reason, message, phaseName, generation, now);
        conditions = Set(conditions, Succeeded, phase == TrainingJobPhase.Succeeded, reason, message, phaseName, generation, now);
        conditions = Set(conditions, Failed, phase == TrainingJobPhase.Failed, reason, message, phaseName, generation, now);
        conditions = Set(conditions, Suspended, phase == TrainingJobPhase.Suspended, reason, message, phaseName, generation, now);
        status.Conditions = conditions;
    }

    /// <summary>Worker counts of one gang; pods of older gangs are not counted.</summary>
    public static void SetCounts(TrainingJobStatus status, IEnumerable<WorkerState> gang, int workers)
    {
        ArgumentNullException.ThrowIfNull(status);

        // A pod being deleted is counted as gone: otherwise the counts would change once more when it
        // reports its last phase on the way out, and a torn-down gang would read as still there.
        var list = gang.Where(w => !w.Terminating).ToList();
        var running = list.Count(w => w.Phase == "Running");
        status.Workers = new WorkerCounts
        {
            Pending = list.Count(w => w.Phase == "Pending"),
            Running = running,
            Succeeded = list.Count(w => w.Phase == "Succeeded"),
            Failed = list.Count(w => w.Phase == "Failed"),
        };
        status.WorkersRunning = string.Create(CultureInfo.InvariantCulture, $"{running}/{workers}");
    }

    private static List<k8s.Models.V1Condition> Set(
        List<k8s.Models.V1Condition> conditions, string type, bool on, string reason, string message, string phaseName, long? generation, DateTimeOffset now) =>
        Conditions.Set(conditions, type, on, on ? reason : phaseName, on ? message : $"job is {phaseName}", generation, now);
}
