using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Scheduling;

// Filter then score, as pure functions of the pod, the nodes and the pods already bound.
internal static class PlacementPolicy
{
    public static SchedulingDecision Decide(V1Pod pod, IReadOnlyList<V1Node> nodes, IReadOnlyList<V1Pod> boundPods) =>
        Decide(pod, nodes, NodeUsage.ByNode(boundPods));

    // usageByNode: NodeUsage.ByNode of the bound pods, kept by the caller across the pods of one pass.
    public static SchedulingDecision Decide(V1Pod pod, IReadOnlyList<V1Node> nodes, IReadOnlyDictionary<string, NodeUsage> usageByNode)
    {
        var requested = PodRequests.For(pod);
        var scored = ScoredResources(requested);
        var empty = new NodeUsage();
        V1Node? best = null;
        var bestScore = double.NegativeInfinity;
        var reasonCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var usage = usageByNode.GetValueOrDefault(node.Metadata.Name) ?? empty;
            var reasons = NodeFit.Reasons(pod, requested, node, usage);
            if (reasons.Count == 0)
            {
                // Highest score wins; a tie goes to the first name in ordinal order.
                var score = Score(requested, scored, node, usage);
                if (best is null || score > bestScore || (score == bestScore && string.CompareOrdinal(node.Metadata.Name, best.Metadata.Name) < 0))
                {
                    best = node;
                    bestScore = score;
                }

                continue;
            }

            foreach (var reason in reasons)
            {
                reasonCounts[reason] = reasonCounts.GetValueOrDefault(reason) + 1;
            }
        }

        return best is not null
            ? SchedulingDecision.Bind(best.Metadata.Name)
            : SchedulingDecision.Unschedulable(UnschedulableMessage(nodes.Count, reasonCounts));
    }

    // "0/3 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: }, 2 Insufficient nvidia.com/gpu."
    public static string UnschedulableMessage(int nodeCount, IReadOnlyDictionary<string, int> reasonCounts)
    {
        if (nodeCount == 0)
        {
            return "no nodes available to schedule pods";
        }

        var parts = reasonCounts
            .Select(r => $"{r.Value} {r.Key}")
            .OrderBy(s => s, StringComparer.Ordinal);
        return $"0/{nodeCount} nodes are available: {string.Join(", ", parts)}.";
    }

    // The resources LeastAllocated scores: what the pod requests, and always cpu and memory.
    private static string[] ScoredResources(IReadOnlyDictionary<string, decimal> requested) =>
        [.. requested.Keys.Concat(["cpu", "memory"]).Distinct(StringComparer.Ordinal)];

    // LeastAllocated: spread pods, so GPU pods land on the emptiest node like the default profile.
    private static double Score(IReadOnlyDictionary<string, decimal> requested, string[] names, V1Node node, NodeUsage usage)
    {
        var allocatable = NodeAllocatable.Of(node);
        var score = 0.0;
        foreach (var name in names)
        {
            var capacity = allocatable.GetValueOrDefault(name);
            if (capacity <= 0)
            {
                continue;
            }

            var free = capacity - usage.Requested(name) - requested.GetValueOrDefault(name);
            score += (double)(free / capacity);
        }

        return score / names.Length;
    }
}
