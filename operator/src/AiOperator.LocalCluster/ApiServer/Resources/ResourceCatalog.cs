namespace AiOperator.LocalCluster.ApiServer.Resources;

// What is served right now: the built-ins plus the versions of every established CRD. Readers get an
// immutable snapshot; CRD writes swap it.
internal sealed class ResourceCatalog
{
    private readonly object _gate = new();
    private readonly Dictionary<string, IReadOnlyList<ResourceType>> _custom = new(StringComparer.Ordinal);
    private volatile Snapshot _snapshot;

    public ResourceCatalog()
    {
        _snapshot = Build(0);
    }

    public long Generation => _snapshot.Generation;

    public IReadOnlyList<ResourceType> All => _snapshot.All;

    public ResourceType? Find(string group, string version, string plural) =>
        _snapshot.ByPath.TryGetValue((group, version, plural), out var type) ? type : null;

    // Any served version of a group/resource, for storage-level work (GC, namespace cleanup).
    public ResourceType? FindByStoreKey(string storeKey) =>
        _snapshot.ByStoreKey.TryGetValue(storeKey, out var type) ? type : null;

    public void SetCustom(string crdName, IReadOnlyList<ResourceType> types)
    {
        lock (_gate)
        {
            _custom[crdName] = types;
            _snapshot = Build(_snapshot.Generation + 1);
        }
    }

    public void RemoveCustom(string crdName)
    {
        lock (_gate)
        {
            if (_custom.Remove(crdName))
            {
                _snapshot = Build(_snapshot.Generation + 1);
            }
        }
    }

    private Snapshot Build(long generation)
    {
        var all = BuiltinResources.All.Concat(_custom.Values.SelectMany(v => v)).ToList();
        var byPath = new Dictionary<(string, string, string), ResourceType>();
        var byStoreKey = new Dictionary<string, ResourceType>(StringComparer.Ordinal);
        foreach (var type in all)
        {
            byPath[(type.Group, type.Version, type.Plural)] = type;
            byStoreKey.TryAdd(type.StoreKey, type);
        }

        return new Snapshot(all, byPath, byStoreKey, generation);
    }

    private sealed record Snapshot(
        IReadOnlyList<ResourceType> All,
        IReadOnlyDictionary<(string, string, string), ResourceType> ByPath,
        IReadOnlyDictionary<string, ResourceType> ByStoreKey,
        long Generation);
}
