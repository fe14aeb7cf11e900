using AiOperator.Api.V1Alpha1;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>The one number all revisions together serve with; the rollout splits it by weight.</summary>
internal static class ReplicaTotal
{
    // The autoscaler's decision takes this place once it lands; until then spec.replicas decides.
    public static int Of(ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(md);
        return Math.Max(0, md.Spec.Replicas ?? 1);
    }
}
