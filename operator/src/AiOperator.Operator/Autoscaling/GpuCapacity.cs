using k8s.Models;

namespace AiOperator.Operator.Autoscaling;

/// <summary>
/// How many replicas of a GPU model the cluster can hold: allocatable GPUs of the requested resource on
/// schedulable, ready nodes that match the pods' node selector, less what scheduled pods already hold.
/// Pending pods hold nothing, so they are not capacity: only pods already scheduled keep their place.
/// </summary>
internal static class GpuCapacity
{
    public static CapacityLimit Compute(string resourceName, int gpusPerPod, IReadOnlyDictionary<string, string> nodeSelector,
        IEnumerable<V1Node> nodes, int gpusHeldByOthers, int ownScheduledPods)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceName);
        ArgumentNullException.ThrowIfNull(nodeSelector);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(gpusPerPod, 1);
        long total = 0;
        foreach (var node in nodes)
        {
            if (!Usable(node, nodeSelector) || node.Status?.Allocatable?.TryGetValue(resourceName, out var quantity) != true || quantity is null)
            {
                continue;
            }

            total += (long)Math.Max(0, Math.Floor(quantity.ToDecimal()));
        }

        var free = Math.Max(0, total - gpusHeldByOthers - ((long)ownScheduledPods * gpusPerPod));
        var max = ownScheduledPods + (free / gpusPerPod);
        return new CapacityLimit((int)Math.Min(int.MaxValue, max), (int)Math.Min(int.MaxValue, free), (int)Math.Min(int.MaxValue, total), resourceName);
    }

    private static bool Usable(V1Node node, IReadOnlyDictionary<string, string> selector)
    {
        if (node.Spec?.Unschedulable == true || node.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true)
        {
            return false;
        }

        foreach (var (key, value) in selector)
        {
            if (node.Metadata?.Labels?.TryGetValue(key, out var actual) != true || actual != value)
            {
                return false;
            }
        }

        return true;
    }
}
