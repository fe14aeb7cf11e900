using System.Runtime.CompilerServices;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Scheduling;

// A node's allocatable resources as numbers, parsed once per node object: a scheduling pass checks
// every pending pod against every node, and parsing each quantity string there was the pass's largest
// cost at 2,000 pods on 250 nodes. Informer objects are never mutated (an update is a new object), so
// the weak table never serves a stale value.
internal static class NodeAllocatable
{
    private static readonly ConditionalWeakTable<V1Node, IReadOnlyDictionary<string, decimal>> Parsed = [];

    public static IReadOnlyDictionary<string, decimal> Of(V1Node node) => Parsed.GetValue(node, Parse);

    private static IReadOnlyDictionary<string, decimal> Parse(V1Node node)
    {
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (name, quantity) in node.Status?.Allocatable ?? new Dictionary<string, ResourceQuantity>())
        {
            result[name] = quantity.ToDecimal();
        }

        return result;
    }
}
