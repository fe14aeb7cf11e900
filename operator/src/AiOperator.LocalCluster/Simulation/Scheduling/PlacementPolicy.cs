using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Scheduling;

// Filter then score, as pure functions of the pod, the nodes and the pods already bound.
internal static class PlacementPolicy
{
    public static SchedulingDecision Decide(V1Pod pod, IReadOnlyList<V1Node> nodes, IReadOnlyList<V1Pod> boundPods)
    {
        var byNode = boundPods
            .Where(p => !string.IsNullOrEmpty(p.Spec?.NodeName) && p.Status?.Phase is not ("Succeeded" or "Failed"))
            .GroupBy(p => p.Spec.NodeName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        var feasible = new List<(V1Node Node, double Score)>();
        var reasonCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var onNode = byNode.GetValueOrDefault(node.Metadata.Name) ?? [];
            var reasons = NodeFit.Reasons(pod, node, onNode);
            if (reasons.Count == 0)
            {
                feasible.Add((node, Score(pod, node, onNode)));
                continue;
            }

            foreach (var reason in reasons)
            {
                reasonCounts[reason] = reasonCounts.GetValueOrDefault(reason) + 1;
            }
        }

        if (feasible.Count > 0)
        {
            var best = feasible.OrderByDescending(f => f.Score).ThenBy(f => f.Node.Metadata.Name, StringComparer.Ordinal).First();
            return SchedulingDecision.Bind(best.Node.Metadata.Name);
        }

        return SchedulingDecision.Unschedulable(UnschedulableMessage(nodes.Count, reasonCounts));
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

    // LeastAllocated: spread pods, so GPU pods land on the emptiest node like the default profile.
    private static double Score(V1Pod pod, V1Node node, List<V1Pod> onNode)
    {
        var allocatable = node.Status?.Allocatable ?? new Dictionary<string, ResourceQuantity>();
        var requested = PodRequests.For(pod);
        var used = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var other in onNode)
        {
            foreach (var (name, amount) in PodRequests.For(other))
            {
                used[name] = used.GetValueOrDefault(name) + amount;
            }
        }

        var names = requested.Keys.Concat(["cpu", "memory"]).Distinct(StringComparer.Ordinal).ToList();
        var score = 0.0;
        foreach (var name in names)
        {
            var capacity = allocatable.TryGetValue(name, out var q) ? q.ToDecimal() : 0m;
            if (capacity <= 0)
            {
                continue;
            }

            var free = capacity - used.GetValueOrDefault(name) - requested.GetValueOrDefault(name);
            score += (double)(free / capacity);
        }

        return score / names.Count;
    }
}
