using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Disruption;

/// <summary>A PodDisruptionBudget's status as the disruption controller writes it (pure).</summary>
internal static class BudgetStatus
{
    public const string DisruptionAllowed = "DisruptionAllowed";

    public static V1PodDisruptionBudgetStatus From(BudgetHealth health, V1PodDisruptionBudget pdb, DateTime now)
    {
        var allowed = health.DisruptionsAllowed > 0;
        var previous = pdb.Status?.Conditions?.FirstOrDefault(c => c.Type == DisruptionAllowed);
        var status = allowed ? "True" : "False";
        var condition = new V1Condition
        {
            Type = DisruptionAllowed,
            Status = status,
            Reason = allowed ? "SufficientPods" : "InsufficientPods",
            Message = "",
            ObservedGeneration = pdb.Metadata.Generation,
            LastTransitionTime = previous?.Status == status && previous.LastTransitionTime is { } since ? since : now,
        };
        return new V1PodDisruptionBudgetStatus
        {
            ObservedGeneration = pdb.Metadata.Generation,
            ExpectedPods = health.ExpectedPods,
            DesiredHealthy = health.DesiredHealthy,
            CurrentHealthy = health.CurrentHealthy,
            DisruptionsAllowed = health.DisruptionsAllowed,
            DisruptedPods = health.DisruptedPods.Count == 0 ? null : health.DisruptedPods.ToDictionary(p => p.Key, p => (DateTime?)p.Value),
            Conditions = [condition],
        };
    }

    public static bool Same(V1PodDisruptionBudgetStatus? current, V1PodDisruptionBudgetStatus next)
    {
        if (current is null)
        {
            return false;
        }

        var a = current.Conditions?.FirstOrDefault(c => c.Type == DisruptionAllowed);
        var b = next.Conditions!.Single();
        return current.ObservedGeneration == next.ObservedGeneration
            && current.ExpectedPods == next.ExpectedPods
            && current.DesiredHealthy == next.DesiredHealthy
            && current.CurrentHealthy == next.CurrentHealthy
            && current.DisruptionsAllowed == next.DisruptionsAllowed
            && (current.DisruptedPods?.Count ?? 0) == (next.DisruptedPods?.Count ?? 0)
            && (next.DisruptedPods ?? new Dictionary<string, DateTime?>()).All(p => current.DisruptedPods!.ContainsKey(p.Key))
            && a?.Status == b.Status && a.Reason == b.Reason && a.ObservedGeneration == b.ObservedGeneration;
    }
}
