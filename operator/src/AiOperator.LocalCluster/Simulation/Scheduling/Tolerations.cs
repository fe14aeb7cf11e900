using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Scheduling;

internal static class Tolerations
{
    // Only NoSchedule and NoExecute keep a pod off a node; PreferNoSchedule is a scoring hint.
    public static V1Taint? FirstUntolerated(IEnumerable<V1Taint>? taints, IList<V1Toleration>? tolerations) =>
        (taints ?? []).FirstOrDefault(t =>
            t.Effect is "NoSchedule" or "NoExecute" && !(tolerations ?? []).Any(tol => Tolerates(tol, t)));

    public static bool Tolerates(V1Toleration toleration, V1Taint taint)
    {
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect)
        {
            return false;
        }

        var op = string.IsNullOrEmpty(toleration.OperatorProperty) ? "Equal" : toleration.OperatorProperty;
        if (string.IsNullOrEmpty(toleration.Key))
        {
            // An empty key with Exists tolerates everything.
            return op == "Exists";
        }

        if (toleration.Key != taint.Key)
        {
            return false;
        }

        return op switch
        {
            "Exists" => true,
            "Equal" => (toleration.Value ?? string.Empty) == (taint.Value ?? string.Empty),
            _ => false,
        };
    }
}
