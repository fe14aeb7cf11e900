using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Rollouts;

/// <summary>Everything one rollout decision depends on; the decision is a pure function of it.</summary>
/// <param name="Spec">The ModelDeployment's spec (never changed by the rollout).</param>
/// <param name="Status">Its status as last written: all rollout state lives here.</param>
/// <param name="SpecRevision">The revision the spec names now.</param>
/// <param name="ModelVersion">spec.model.version, recorded in the history.</param>
/// <param name="Total">Replicas all revisions together should serve with (spec.replicas or the autoscaler's).</param>
/// <param name="Observed">The revisions' Deployments in the cache.</param>
/// <param name="Commands">The imperative annotations present.</param>
/// <param name="CanaryWindow">The status' canary revision's metrics over one analysis interval, or null.</param>
/// <param name="Now">The reconcile's time.</param>
internal sealed record RolloutInput(
    ModelDeploymentSpec Spec,
    ModelDeploymentStatus? Status,
    string SpecRevision,
    string? ModelVersion,
    int Total,
    IReadOnlyList<ObservedRevision> Observed,
    RolloutCommands Commands,
    RevisionMetrics? CanaryWindow,
    DateTimeOffset Now);
