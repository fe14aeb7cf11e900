using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Monitoring;
using k8s.Models;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>What the reconciler saw in the caches (and the scraper in the pods' metrics), and decided, that the status is computed from.</summary>
internal sealed record ModelDeploymentObservation(
    ModelDeployment ModelDeployment,
    string CurrentRevision,
    int DesiredReplicas,
    IReadOnlyList<V1Deployment> Deployments,
    IReadOnlyList<V1Pod> Pods,
    IReadOnlyList<ModelLoadFailure>? LoadFailures = null);
