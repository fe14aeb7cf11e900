using AiOperator.LocalCluster.Simulation.Scheduling;
using k8s.Models;

namespace AiOperator.LocalCluster.ApiServer.Admission;

/// <summary>
/// What pods count against a ResourceQuota (pure), for the names a quota can hold for pods: <c>pods</c>,
/// <c>count/pods</c>, <c>cpu</c>/<c>requests.cpu</c>, <c>memory</c>/<c>requests.memory</c>, <c>limits.cpu</c>,
/// <c>limits.memory</c>, the same for <c>ephemeral-storage</c>, and <c>requests.&lt;extended resource&gt;</c>
/// such as <c>requests.nvidia.com/gpu</c>. Finished pods count for nothing.
/// </summary>
internal static class QuotaUsage
{
    private static readonly string[] Compute = ["cpu", "memory", "ephemeral-storage"];

    public static bool Holds(V1Pod pod) => pod.Status?.Phase is not ("Succeeded" or "Failed");

    /// <summary>The pod's usage of every quota name it touches.</summary>
    public static Dictionary<string, decimal> Of(V1Pod pod)
    {
        var usage = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["pods"] = 1, ["count/pods"] = 1 };
        foreach (var (name, amount) in PodRequests.For(pod))
        {
            // cpu, memory and ephemeral-storage are also counted under their bare names (quota's legacy spelling).
            usage["requests." + name] = amount;
            if (Compute.Contains(name))
            {
                usage[name] = amount;
            }
        }

        foreach (var (name, amount) in PodRequests.Limits(pod))
        {
            if (Compute.Contains(name))
            {
                usage["limits." + name] = amount;
            }
        }

        return usage;
    }

    /// <summary>Sum of <see cref="Of"/> over the pods that still hold their resources.</summary>
    public static Dictionary<string, decimal> Total(IEnumerable<V1Pod> pods)
    {
        var total = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var pod in pods.Where(Holds))
        {
            foreach (var (name, amount) in Of(pod))
            {
                total[name] = total.GetValueOrDefault(name) + amount;
            }
        }

        return total;
    }

    /// <summary>
    /// Why the quota refuses the pod, in the quota admission plugin's words (<c>exceeded quota: ...</c> or
    /// <c>failed quota: ...: must specify ...</c>), or null when it fits. <paramref name="used"/> is every other pod's.
    /// </summary>
    public static string? Refusal(V1ResourceQuota quota, V1Pod pod, IReadOnlyDictionary<string, decimal> used)
    {
        var hard = quota.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>();
        var unspecified = new List<string>();
        foreach (var name in hard.Keys.Order(StringComparer.Ordinal))
        {
            if (ComputeName(name) is { } resource && Missing(pod, resource, name.StartsWith("limits.", StringComparison.Ordinal)) is { Count: > 0 } containers)
            {
                unspecified.Add($"{name} for: {string.Join(",", containers)}");
            }
        }

        if (unspecified.Count > 0)
        {
            return $"failed quota: {quota.Metadata.Name}: must specify {string.Join("; ", unspecified)}";
        }

        var wanted = Of(pod);
        var over = hard.Keys.Order(StringComparer.Ordinal)
            .Where(name => wanted.GetValueOrDefault(name) > 0 && used.GetValueOrDefault(name) + wanted[name] > hard[name].ToDecimal())
            .ToList();
        if (over.Count == 0)
        {
            return null;
        }

        string Amounts(Func<string, decimal> amount) => string.Join(",", over.Select(n => $"{n}={Format(amount(n), hard[n])}"));
        return $"exceeded quota: {quota.Metadata.Name}, requested: {Amounts(n => wanted[n])}, used: {Amounts(n => used.GetValueOrDefault(n))}, limited: {Amounts(n => hard[n].ToDecimal())}";
    }

    /// <summary>The quota's status: every hard name with what the pods use of it.</summary>
    public static V1ResourceQuotaStatus Status(V1ResourceQuota quota, IReadOnlyDictionary<string, decimal> used)
    {
        var hard = quota.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>();
        return new V1ResourceQuotaStatus
        {
            Hard = hard.ToDictionary(h => h.Key, h => h.Value),
            Used = hard.ToDictionary(h => h.Key, h => new ResourceQuantity(Format(used.GetValueOrDefault(h.Key), h.Value))),
        };
    }

    // cpu, memory and ephemeral-storage quotas need every container to say how much it asks for.
    private static string? ComputeName(string quotaName)
    {
        var bare = quotaName.StartsWith("requests.", StringComparison.Ordinal) ? quotaName["requests.".Length..]
            : quotaName.StartsWith("limits.", StringComparison.Ordinal) ? quotaName["limits.".Length..]
            : quotaName;
        return Compute.Contains(bare) ? bare : null;
    }

    private static List<string> Missing(V1Pod pod, string resource, bool limits) =>
        (pod.Spec?.InitContainers ?? []).Concat(pod.Spec?.Containers ?? [])
            .Where(c => !(c.Resources?.Limits?.ContainsKey(resource) == true || (!limits && c.Resources?.Requests?.ContainsKey(resource) == true)))
            .Select(c => c.Name)
            .ToList();

    // In the hard value's own notation (1Gi stays binary, 500m decimal), as kubectl describe quota shows it.
    private static string Format(decimal amount, ResourceQuantity like) =>
        new ResourceQuantity(amount, 0, like.Format).CanonicalizeString();
}
