using AiOperator.LocalCluster.Simulation.Networking;
using AiOperator.LocalCluster.Simulation.Workloads;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Disruption;

/// <summary>
/// What kube-controller-manager's disruption controller writes into a PodDisruptionBudget's status (pure):
/// how many pods are expected, how many must stay healthy, how many are, and so how many may be evicted now.
/// </summary>
internal sealed record BudgetHealth(int ExpectedPods, int DesiredHealthy, int CurrentHealthy, int DisruptionsAllowed, IReadOnlyDictionary<string, DateTime> DisruptedPods)
{
    /// <summary>An eviction the API server granted is forgotten after this long if its pod is still there, as upstream's DeletionTimeout.</summary>
    public static readonly TimeSpan DisruptedPodTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The budget over the namespace's pods. <paramref name="scaleOf"/> gives the desired replicas of a pod's
    /// controller (a Deployment's through its ReplicaSet, or a lone ReplicaSet's), or null for a pod whose
    /// controller has no scale: as upstream, such a budget allows no disruption.
    /// </summary>
    public static BudgetHealth Compute(V1PodDisruptionBudget pdb, IReadOnlyList<V1Pod> namespacePods, Func<V1Pod, (string Uid, int Replicas)?> scaleOf, DateTime now)
    {
        // policy/v1: an empty selector selects every pod of the namespace; a missing one selects none.
        var selector = pdb.Spec?.Selector;
        var pods = namespacePods.Where(p => selector is not null && Selects(selector, p)).ToList();
        var disrupted = StillDisrupted(pdb.Status?.DisruptedPods, pods, now);

        var current = pods.Count(p => p.Metadata.DeletionTimestamp is null && !disrupted.ContainsKey(p.Metadata.Name) && PodReadiness.IsReady(p));
        int expected;
        int desired;
        var maxUnavailable = pdb.Spec?.MaxUnavailable;
        var minAvailable = pdb.Spec?.MinAvailable;
        if (maxUnavailable is not null)
        {
            if (ExpectedFromControllers(pods, scaleOf) is not { } fromControllers)
            {
                return new BudgetHealth(0, 0, current, 0, disrupted);
            }

            expected = fromControllers;
            var unavailable = Scaled(maxUnavailable, expected);
            desired = unavailable == int.MaxValue ? expected : Math.Max(0, expected - unavailable);
        }
        else if (minAvailable is not null && !IsPercent(minAvailable))
        {
            expected = pods.Count;
            desired = Scaled(minAvailable, expected);
        }
        else if (minAvailable is not null)
        {
            if (ExpectedFromControllers(pods, scaleOf) is not { } fromControllers)
            {
                return new BudgetHealth(0, 0, current, 0, disrupted);
            }

            expected = fromControllers;
            desired = Scaled(minAvailable, expected);
        }
        else
        {
            expected = 0;
            desired = 0;
        }

        var allowed = expected <= 0 ? 0 : Math.Max(0, current - desired);
        return new BudgetHealth(expected, desired, current, allowed, disrupted);
    }

    /// <summary>The budget's selector against a pod's labels (an empty selector matches every pod).</summary>
    public static bool Selects(V1LabelSelector selector, V1Pod pod) =>
        (selector.MatchLabels is null or { Count: 0 } && selector.MatchExpressions is null or { Count: 0 })
        || LabelSelectors.Matches(selector, pod.Metadata.Labels);

    // Sum of the desired replicas of each distinct controller of the pods; null when one has none known.
    private static int? ExpectedFromControllers(List<V1Pod> pods, Func<V1Pod, (string Uid, int Replicas)?> scaleOf)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (scaleOf(pod) is not { } scale)
            {
                return null;
            }

            seen[scale.Uid] = scale.Replicas;
        }

        return seen.Values.Sum();
    }

    // Evictions granted but not yet seen through: their pods count as gone until deleted or timed out.
    private static Dictionary<string, DateTime> StillDisrupted(IDictionary<string, DateTime?>? recorded, List<V1Pod> pods, DateTime now)
    {
        var result = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var (name, when) in recorded ?? new Dictionary<string, DateTime?>())
        {
            if (when is not { } at)
            {
                continue;
            }

            var pod = pods.FirstOrDefault(p => p.Metadata.Name == name);
            if (pod is null || pod.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            if (DateTime.SpecifyKind(at, DateTimeKind.Utc) + DisruptedPodTimeout > now)
            {
                result[name] = at;
            }
        }

        return result;
    }

    private static bool IsPercent(IntOrString value) => value.Value?.EndsWith('%') == true;

    // An integer, or a percentage of the expected pods rounded up (upstream's GetScaledValueFromIntOrPercent
    // with roundUp). A value the API server let through but that is not either fails safe: nothing may go.
    private static int Scaled(IntOrString value, int expected)
    {
        try
        {
            return RollingUpdateMath.Scaled(value, expected, roundUp: true, "budget");
        }
        catch (FormatException)
        {
            return int.MaxValue;
        }
    }
}
