using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Scheduling;

// The filter phase for one node. Like the real framework, the first failing plugin (in the default
// profile's order) decides the node's reasons; NodeResourcesFit reports every short resource.
internal static class NodeFit
{
    public static IReadOnlyList<string> Reasons(V1Pod pod, V1Node node, IEnumerable<V1Pod> podsOnNode) =>
        Reasons(pod, PodRequests.For(pod), node, NodeUsage.Of(podsOnNode));

    public static IReadOnlyList<string> Reasons(V1Pod pod, IReadOnlyDictionary<string, decimal> podRequests, V1Node node, NodeUsage usage)
    {
        if (node.Spec?.Unschedulable == true
            && !(pod.Spec?.Tolerations ?? []).Any(t => Tolerations.Tolerates(t, new V1Taint { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" })))
        {
            return ["node(s) were unschedulable"];
        }

        var taint = Tolerations.FirstUntolerated(node.Spec?.Taints, pod.Spec?.Tolerations);
        if (taint is not null)
        {
            return [$"node(s) had untolerated taint {{{taint.Key}: {taint.Value}}}"];
        }

        if (!NodeAffinity.Matches(pod, node))
        {
            return ["node(s) didn't match Pod's node affinity/selector"];
        }

        return InsufficientResources(podRequests, node, usage);
    }

    public static IReadOnlyList<string> InsufficientResources(V1Pod pod, V1Node node, IEnumerable<V1Pod> podsOnNode) =>
        InsufficientResources(PodRequests.For(pod), node, NodeUsage.Of(podsOnNode));

    public static IReadOnlyList<string> InsufficientResources(IReadOnlyDictionary<string, decimal> podRequests, V1Node node, NodeUsage usage)
    {
        var allocatable = NodeAllocatable.Of(node);
        List<string>? reasons = null;
        if (allocatable.TryGetValue("pods", out var maxPods) && usage.PodCount + 1 > maxPods)
        {
            (reasons ??= []).Add("Too many pods");
        }

        // Most nodes fit most pods: the short resources are sorted (the message's order) only when there are any.
        List<string>? shortOf = null;
        foreach (var (name, amount) in podRequests)
        {
            if (amount > 0 && usage.Requested(name) + amount > allocatable.GetValueOrDefault(name))
            {
                (shortOf ??= []).Add(name);
            }
        }

        if (shortOf is not null)
        {
            shortOf.Sort(StringComparer.Ordinal);
            (reasons ??= []).AddRange(shortOf.Select(name => $"Insufficient {name}"));
        }

        return reasons ?? (IReadOnlyList<string>)[];
    }
}
