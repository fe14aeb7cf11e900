using k8s.Models;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>Whether an update touched nothing a reconciler of the object acts on but its status (pure).</summary>
public static class StatusOnlyChange
{
    /// <summary>
    /// True when both versions carry a generation (the API server bumps it on every spec change of a kind
    /// with a status subresource) and it is the same, and labels, annotations, finalizers, owner references
    /// and the deletion timestamp are unchanged. Kinds without a generation (ConfigMaps) never qualify.
    /// </summary>
    public static bool Between(V1ObjectMeta previous, V1ObjectMeta current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        return previous.Generation is { } generation && current.Generation == generation
            && previous.Uid == current.Uid
            && previous.DeletionTimestamp == current.DeletionTimestamp
            && SameMap(previous.Labels, current.Labels)
            && SameMap(previous.Annotations, current.Annotations)
            && (previous.Finalizers ?? []).SequenceEqual(current.Finalizers ?? [])
            && (previous.OwnerReferences ?? []).Select(o => o.Uid).SequenceEqual((current.OwnerReferences ?? []).Select(o => o.Uid));
    }

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        var left = a ?? new Dictionary<string, string>();
        var right = b ?? new Dictionary<string, string>();
        return left.Count == right.Count && left.All(p => right.TryGetValue(p.Key, out var value) && value == p.Value);
    }
}
