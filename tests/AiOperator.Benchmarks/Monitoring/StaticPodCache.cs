using AiOperator.ControllerRuntime.Informers;
using k8s.Models;

namespace AiOperator.Benchmarks.Monitoring;

/// <summary>A fixed set of pods standing in for the operator's pod informer cache.</summary>
internal sealed class StaticPodCache(IReadOnlyList<V1Pod> pods) : IResourceCache<V1Pod>
{
    public int Count => pods.Count;

    public bool TryGet(ObjectKey key, out V1Pod obj)
    {
        obj = pods.FirstOrDefault(p => p.Metadata.NamespaceProperty == key.Namespace && p.Metadata.Name == key.Name)!;
        return obj is not null;
    }

    public V1Pod? Get(string ns, string name) => TryGet(new ObjectKey(ns, name), out var pod) ? pod : null;

    public IReadOnlyList<V1Pod> List(string? ns = null) => ns is null ? pods : [.. pods.Where(p => p.Metadata.NamespaceProperty == ns)];

    public IReadOnlyList<V1Pod> ListByOwner(string ownerUid) => [];

    public IReadOnlyList<V1Pod> ListByLabel(string? ns, string key, string value) =>
        [.. List(ns).Where(p => p.Metadata.Labels?.TryGetValue(key, out var v) == true && v == value)];
}
