using AiOperator.Api.V1Alpha1;

namespace AiOperator.Operator.Rollouts;

/// <summary>What the rollout decided: replicas per revision, the rollout part of the next status, Events, annotations to remove, when to look again.</summary>
/// <param name="Replicas">Desired replicas of every revision to keep; an owned Deployment of a revision not listed is deleted.</param>
/// <param name="Status">The next status with its rollout fields set (counts, conditions and phase are the projection's).</param>
/// <param name="Stage">Where the revisions stand, for phase and conditions.</param>
/// <param name="RolledBack">True: a rollback is in force; false: a new rollout started or promoted; null: unchanged.</param>
/// <param name="Events">Events to record, in order.</param>
/// <param name="RemoveAnnotations">Imperative annotations acted on (or refused) this time.</param>
/// <param name="RequeueAfter">When a pause, analysis interval or deadline next falls due, if any.</param>
internal sealed record RolloutDecision(
    IReadOnlyDictionary<string, int> Replicas,
    ModelDeploymentStatus Status,
    RolloutStage Stage,
    bool? RolledBack,
    IReadOnlyList<RolloutEvent> Events,
    IReadOnlyList<string> RemoveAnnotations,
    TimeSpan? RequeueAfter)
{
    public string? Canary => string.IsNullOrEmpty(Status.CanaryRevision) ? null : Status.CanaryRevision;
}
