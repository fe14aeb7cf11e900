using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Scheduling;

// What a pod asks of a node, computed the way the scheduler does: the sum over app containers,
// at least the largest init container, requests defaulting to limits when only limits are set.
internal static class PodRequests
{
    public static IReadOnlyDictionary<string, decimal> For(V1Pod pod)
    {
        var total = Aggregate(pod, Of);
        foreach (var (name, quantity) in pod.Spec?.Overhead ?? new Dictionary<string, ResourceQuantity>())
        {
            total[name] = total.GetValueOrDefault(name) + quantity.ToDecimal();
        }

        return total;
    }

    /// <summary>The pod's limits the same way (sum over app containers, at least the largest init container): what limits.* quotas count.</summary>
    public static IReadOnlyDictionary<string, decimal> Limits(V1Pod pod) =>
        Aggregate(pod, c => (c.Resources?.Limits ?? new Dictionary<string, ResourceQuantity>()).ToDictionary(l => l.Key, l => l.Value.ToDecimal(), StringComparer.Ordinal));

    private static Dictionary<string, decimal> Aggregate(V1Pod pod, Func<V1Container, Dictionary<string, decimal>> amounts)
    {
        var total = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var container in pod.Spec?.Containers ?? [])
        {
            foreach (var (name, amount) in amounts(container))
            {
                total[name] = total.GetValueOrDefault(name) + amount;
            }
        }

        foreach (var init in pod.Spec?.InitContainers ?? [])
        {
            foreach (var (name, amount) in amounts(init))
            {
                total[name] = Math.Max(total.GetValueOrDefault(name), amount);
            }
        }

        return total;
    }

    private static Dictionary<string, decimal> Of(V1Container container)
    {
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (name, quantity) in container.Resources?.Limits ?? new Dictionary<string, ResourceQuantity>())
        {
            result[name] = quantity.ToDecimal();
        }

        foreach (var (name, quantity) in container.Resources?.Requests ?? new Dictionary<string, ResourceQuantity>())
        {
            result[name] = quantity.ToDecimal();
        }

        return result;
    }
}
