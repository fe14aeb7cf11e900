using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Workloads;

// Decisions of the ReplicaSet controller: how many pods to add and which ones to remove.
internal static class ReplicaSetPlan
{
    public static int PodsToCreate(int desired, IReadOnlyCollection<V1Pod> active) => Math.Max(0, desired - active.Count);

    // Victims in the real controller's order: unscheduled before scheduled, pending before running,
    // not-ready before ready, then the most recently created first.
    public static IReadOnlyList<V1Pod> PodsToDelete(int desired, IReadOnlyCollection<V1Pod> active)
    {
        var excess = active.Count - desired;
        if (excess <= 0)
        {
            return [];
        }

        return active
            .OrderBy(p => string.IsNullOrEmpty(p.Spec?.NodeName) ? 0 : 1)
            .ThenBy(p => PhaseRank(p.Status?.Phase))
            .ThenBy(p => PodReadiness.IsReady(p) ? 1 : 0)
            .ThenByDescending(p => p.Metadata.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .Take(excess)
            .ToList();
    }

    public static V1ReplicaSetStatus Status(V1ReplicaSet rs, IReadOnlyCollection<V1Pod> active, DateTimeOffset now)
    {
        var minReady = rs.Spec.MinReadySeconds ?? 0;
        var templateLabels = rs.Spec.Template?.Metadata?.Labels ?? new Dictionary<string, string>();
        return new V1ReplicaSetStatus
        {
            Replicas = active.Count,
            FullyLabeledReplicas = active.Count(p => templateLabels.All(l => p.Metadata.Labels?.TryGetValue(l.Key, out var v) == true && v == l.Value)),
            ReadyReplicas = active.Count(PodReadiness.IsReady),
            AvailableReplicas = active.Count(p => PodReadiness.IsAvailable(p, minReady, now)),
            ObservedGeneration = rs.Metadata.Generation,
            Conditions = rs.Status?.Conditions,
        };
    }

    /// <summary>
    /// The ReplicaFailure condition after a pass: set (reason FailedCreate) when pod creates start being refused,
    /// and dropped once a pass creates what it needs or needs nothing.
    /// </summary>
    public static IList<V1ReplicaSetCondition>? WithCreateFailure(IList<V1ReplicaSetCondition>? conditions, string? failure, DateTime now)
    {
        var others = (conditions ?? []).Where(c => c.Type != ReplicaFailure).ToList();
        if (failure is null)
        {
            return others.Count == 0 ? null : others;
        }

        // The first failure's words are kept while creates keep failing (as upstream's calculateStatus only
        // sets the condition when there is none): each retry names another random pod.
        if (FailureOf(conditions) is not null)
        {
            return conditions;
        }

        others.Add(new V1ReplicaSetCondition
        {
            Type = ReplicaFailure,
            Status = "True",
            Reason = "FailedCreate",
            Message = failure,
            LastTransitionTime = now,
        });
        return others;
    }

    /// <summary>The message of a ReplicaFailure=True condition, or null.</summary>
    public static string? FailureOf(IList<V1ReplicaSetCondition>? conditions) =>
        conditions?.FirstOrDefault(c => c.Type == ReplicaFailure && c.Status == "True")?.Message;

    private const string ReplicaFailure = "ReplicaFailure";

    private static int PhaseRank(string? phase) => phase switch
    {
        "Pending" or null => 0,
        "Unknown" => 1,
        _ => 2,
    };
}
