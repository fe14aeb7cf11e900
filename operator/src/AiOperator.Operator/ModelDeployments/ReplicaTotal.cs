using AiOperator.Api.V1Alpha1;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>
/// The one place that decides how many replicas a ModelDeployment runs in total, over all its revisions
/// (a rollout splits this total by weight): spec.replicas when autoscaling is off; otherwise the
/// autoscaler's status.desiredReplicas within the bounds, starting at minReplicas.
/// </summary>
internal static class ReplicaTotal
{
    public const int DefaultReplicas = 1;
    public const int DefaultMinReplicas = 1;
    public const int DefaultMaxReplicas = 8;

    public static int Of(ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(md);
        return Compute(md.Spec, md.Status);
    }

    public static int Compute(ModelDeploymentSpec spec, ModelDeploymentStatus? status)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Autoscaling?.Enabled != true)
        {
            return Math.Max(0, spec.Replicas ?? DefaultReplicas);
        }

        var (min, max) = Bounds(spec.Autoscaling);
        return Math.Min(max, Math.Max(min, status?.DesiredReplicas ?? min));
    }

    /// <summary>The autoscaling bounds with defaults; a max below min (refused by validation) is raised to min.</summary>
    public static (int Min, int Max) Bounds(AutoscalingSpec autoscaling)
    {
        ArgumentNullException.ThrowIfNull(autoscaling);
        var min = Math.Max(1, autoscaling.MinReplicas ?? DefaultMinReplicas);
        return (min, Math.Max(min, autoscaling.MaxReplicas ?? DefaultMaxReplicas));
    }
}
