using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.Simulation.Disruption;
using AiOperator.LocalCluster.Simulation.Workloads;
using k8s.Models;

namespace AiOperator.LocalCluster.ApiServer.Storage;

/// <summary>
/// Whether pods/eviction may delete a pod, as the real API server's eviction REST decides (pure): a pod no
/// budget covers, a finished, pending or terminating one, or an unready one whose budget is healthy goes
/// without charge; otherwise the one budget that selects it must allow a disruption, which it then spends.
/// </summary>
internal sealed record EvictionDecision(V1PodDisruptionBudget? Charge, ApiException? Refusal)
{
    /// <summary>The message kubectl drain prints (and retries on) when a budget refuses.</summary>
    public const string RefusedMessage = "Cannot evict pod as it would violate the pod's disruption budget.";

    // Upstream's MaxDisruptedPodSize: evictions the disruption controller has not caught up with.
    private const int MaxDisruptedPods = 2000;

    private static readonly EvictionDecision Free = new(null, null);

    public static EvictionDecision Decide(V1Pod pod, IReadOnlyList<V1PodDisruptionBudget> namespaceBudgets)
    {
        if (pod.Metadata.DeletionTimestamp is not null || pod.Status?.Phase is "Succeeded" or "Failed" or "Pending")
        {
            return Free;
        }

        var budgets = namespaceBudgets.Where(b => b.Metadata.DeletionTimestamp is null && b.Spec?.Selector is { } s && BudgetHealth.Selects(s, pod)).ToList();
        if (budgets.Count == 0)
        {
            return Free;
        }

        if (budgets.Count > 1)
        {
            return Refuse(new ApiException(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."));
        }

        var pdb = budgets[0];
        var status = pdb.Status ?? new V1PodDisruptionBudgetStatus();
        if (!PodReadiness.IsReady(pod))
        {
            // An unready pod serves nothing: evicting it costs the budget nothing while the budget is met
            // (IfHealthyBudget, the default), or ever (AlwaysAllow).
            var policy = pdb.Spec?.UnhealthyPodEvictionPolicy ?? "IfHealthyBudget";
            if (policy == "AlwaysAllow" || (status.DesiredHealthy > 0 && status.CurrentHealthy >= status.DesiredHealthy))
            {
                return Free;
            }
        }

        if ((status.ObservedGeneration ?? 0) < (pdb.Metadata.Generation ?? 0))
        {
            return TooMany(pdb, $"The disruption budget {pdb.Metadata.Name} is still being processed by the server.");
        }

        if (status.DisruptionsAllowed < 0)
        {
            return Refuse(ApiErrors.Forbidden("policy", "poddisruptionbudgets", pdb.Metadata.Name, "pdb disruptions allowed is negative"));
        }

        if ((status.DisruptedPods?.Count ?? 0) > MaxDisruptedPods)
        {
            return Refuse(ApiErrors.Forbidden("policy", "poddisruptionbudgets", pdb.Metadata.Name, "DisruptedPods map too big - too many evictions not confirmed by PDB controller"));
        }

        if (status.DisruptionsAllowed == 0)
        {
            return TooMany(pdb, $"The disruption budget {pdb.Metadata.Name} needs {status.DesiredHealthy} healthy pods and has {status.CurrentHealthy} currently");
        }

        return new EvictionDecision(pdb, null);
    }

    private static EvictionDecision Refuse(ApiException refusal) => new(null, refusal);

    // 429 with the budget's words as a DisruptionBudget cause: kubectl drain says so and retries after 5 s.
    private static EvictionDecision TooMany(V1PodDisruptionBudget pdb, string why) =>
        Refuse(new ApiException(429, "TooManyRequests", RefusedMessage,
            new StatusDetails(null, null, null, [new StatusCause("DisruptionBudget", why, null)]))
        {
            RetryAfterSeconds = 0,
        });
}
