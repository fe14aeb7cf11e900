using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Monitoring;
using AiOperator.Operator.Rollouts;
using k8s.Models;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>What the reconciler saw in the caches (and the scraper in the pods' metrics), and what the rollout decided, that the status is computed from.</summary>
internal sealed record ModelDeploymentObservation(
    ModelDeployment ModelDeployment,
    string SpecRevision,
    int DesiredReplicas,
    IReadOnlyList<V1Deployment> Deployments,
    IReadOnlyList<V1Pod> Pods,
    RolloutDecision Rollout,
    IReadOnlyList<ModelLoadFailure>? LoadFailures = null);
