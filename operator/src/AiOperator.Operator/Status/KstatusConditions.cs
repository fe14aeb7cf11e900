using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s.Models;

namespace AiOperator.Operator.Status;

/// <summary>
/// The abnormal-true conditions kstatus reads (Flux's health checks, kpt, cli-utils): Reconciling=True while
/// the operator is still converging, Stalled=True when it cannot get there without a spec change. kstatus
/// ignores Ready on custom resources, so without these Flux would call every object Current. Derived from
/// the phase, written beside the kind's own conditions.
/// </summary>
internal static class KstatusConditions
{
    public const string Reconciling = "Reconciling";
    public const string Stalled = "Stalled";

    public static ModelDeploymentStatus Apply(ModelDeploymentStatus status, long? generation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var phase = status.Phase ?? ModelDeploymentPhase.Pending;
        var reconciling = phase is ModelDeploymentPhase.Pending or ModelDeploymentPhase.Progressing;
        var stalled = phase is ModelDeploymentPhase.Failed or ModelDeploymentPhase.RolledBack or ModelDeploymentPhase.Degraded;
        var because = phase switch
        {
            ModelDeploymentPhase.Failed => MessageOf(status.Conditions, "SpecValid", "ChildrenSynced"),
            ModelDeploymentPhase.RolledBack => MessageOf(status.Conditions, "RolledBack"),
            ModelDeploymentPhase.Degraded => MessageOf(status.Conditions, "Degraded"),
            _ => MessageOf(status.Conditions, "Progressing", "ModelLoaded", "Ready"),
        };
        status.Conditions = Set(status.Conditions, reconciling, stalled, phase.ToString(), because ?? $"phase {phase}", generation, now);
        return status;
    }

    public static TrainingJobStatus Apply(TrainingJobStatus status, long? generation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var phase = status.Phase ?? TrainingJobPhase.Pending;
        var reconciling = phase is TrainingJobPhase.Pending or TrainingJobPhase.Scheduling or TrainingJobPhase.Running or TrainingJobPhase.Restarting;
        var stalled = phase is TrainingJobPhase.Failed;
        var because = MessageOf(status.Conditions, phase == TrainingJobPhase.Failed ? "Failed" : phase.ToString(), "SpecValid");
        status.Conditions = Set(status.Conditions, reconciling, stalled, phase.ToString(), because ?? $"phase {phase}", generation, now);
        return status;
    }

    private static List<V1Condition> Set(IEnumerable<V1Condition>? conditions, bool reconciling, bool stalled, string reason, string message, long? generation, DateTimeOffset now)
    {
        var result = Conditions.Set(conditions, Reconciling, reconciling, reconciling ? reason : "Converged",
            reconciling ? message : "nothing left to converge", generation, now);
        return Conditions.Set(result, Stalled, stalled, stalled ? reason : "NotStalled",
            stalled ? message : "progressing or done without intervention", generation, now);
    }

    private static string? MessageOf(IEnumerable<V1Condition>? conditions, params string[] types) =>
        types.Select(t => Conditions.Find(conditions, t)).FirstOrDefault(c => c is not null && !string.IsNullOrEmpty(c.Message) && (c.Type != "SpecValid" || c.Status == "False"))?.Message;
}
