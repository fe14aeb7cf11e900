using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Informers;

/// <summary>
/// Thread-safe store keyed by namespace/name, indexed by owner uid and by the label keys it was built
/// with. Objects are kept as UTF-8 JSON and decoded on every read: a decoded Deployment takes about three
/// times its JSON size in object headers, dictionaries and strings, and the cache is most of an operator's
/// memory. Every read therefore hands out a private copy that the caller may change freely.
/// </summary>
public sealed class ResourceCache<T> : IResourceCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ObjectKey, CachedObject> _items = [];
    private readonly Dictionary<string, HashSet<ObjectKey>> _byOwner = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Key, string Value), HashSet<ObjectKey>> _byLabel = [];
    private readonly HashSet<string> _indexedLabels;

    /// <param name="indexedLabels">Label keys <see cref="ListByLabel"/> may be asked for (client-go's indexers):
    /// indexing every label would keep a set per unique value of every object.</param>
    public ResourceCache(IEnumerable<string>? indexedLabels = null)
    {
        _indexedLabels = new HashSet<string>(indexedLabels ?? [], StringComparer.Ordinal);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public bool TryGet(ObjectKey key, out T obj)
    {
        CachedObject? entry;
        lock (_lock)
        {
            _items.TryGetValue(key, out entry);
        }

        obj = entry is null ? null! : Decode(entry);
        return entry is not null;
    }

    public T? Get(string ns, string name) => TryGet(new ObjectKey(ns ?? string.Empty, name), out var obj) ? obj : null;

    public IReadOnlyList<T> List(string? ns = null)
    {
        List<CachedObject> entries;
        lock (_lock)
        {
            entries = ns is null
                ? [.. _items.Values]
                : [.. _items.Where(p => p.Key.Namespace == ns).Select(p => p.Value)];
        }

        return DecodeAll(entries);
    }

    public IReadOnlyList<T> ListByOwner(string ownerUid) => Lookup(_byOwner, ownerUid, null);

    public IReadOnlyList<T> ListByLabel(string? ns, string key, string value)
    {
        if (!_indexedLabels.Contains(key))
        {
            throw new InvalidOperationException($"label '{key}' is not indexed by the {typeof(T).Name} cache; name it in InformerOptions.IndexedLabels");
        }

        return Lookup(_byLabel, (key, value), ns);
    }

    /// <summary>Stores the object and returns the one it replaced.</summary>
    public T? Upsert(T obj)
    {
        var old = Put(obj);
        return old is null ? null : Decode(old);
    }

    public T? Remove(ObjectKey key)
    {
        var old = Take(key);
        return old is null ? null : Decode(old);
    }

    /// <summary>Stores the object and returns the replaced entry undecoded (the informer decodes it only if a handler asks).</summary>
    internal CachedObject? Put(T obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var key = ObjectKey.Of(obj);
        var entry = new CachedObject(
            ObjectJson.ToUtf8(obj),
            [.. (obj.Metadata.OwnerReferences ?? []).Select(o => o.Uid)],
            [.. (obj.Metadata.Labels ?? new Dictionary<string, string>()).Where(l => _indexedLabels.Contains(l.Key)).Select(l => (l.Key, l.Value))]);
        CachedObject? old;
        lock (_lock)
        {
            old = RemoveLocked(key);
            _items[key] = entry;
            foreach (var owner in entry.OwnerUids)
            {
                Index(_byOwner, owner, key);
            }

            foreach (var label in entry.IndexedLabels)
            {
                Index(_byLabel, label, key);
            }
        }

        return old;
    }

    internal CachedObject? Take(ObjectKey key)
    {
        lock (_lock)
        {
            return RemoveLocked(key);
        }
    }

    internal static T Decode(CachedObject entry) => ObjectJson.FromUtf8<T>(entry.Json);

    private static List<T> DecodeAll(List<CachedObject> entries)
    {
        var objects = new List<T>(entries.Count);
        foreach (var entry in entries)
        {
            objects.Add(Decode(entry));
        }

        return objects;
    }

    private static void Index<TIndex>(Dictionary<TIndex, HashSet<ObjectKey>> index, TIndex value, ObjectKey key)
        where TIndex : notnull
    {
        if (!index.TryGetValue(value, out var keys))
        {
            index[value] = keys = [];
        }

        keys.Add(key);
    }

    private static void Unindex<TIndex>(Dictionary<TIndex, HashSet<ObjectKey>> index, TIndex value, ObjectKey key)
        where TIndex : notnull
    {
        if (index.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
        {
            index.Remove(value);
        }
    }

    private List<T> Lookup<TIndex>(Dictionary<TIndex, HashSet<ObjectKey>> index, TIndex value, string? ns)
        where TIndex : notnull
    {
        List<CachedObject> entries;
        lock (_lock)
        {
            entries = index.TryGetValue(value, out var keys)
                ? [.. keys.Where(k => ns is null || k.Namespace == ns).Select(k => _items[k])]
                : [];
        }

        return DecodeAll(entries);
    }

    private CachedObject? RemoveLocked(ObjectKey key)
    {
        if (!_items.Remove(key, out var old))
        {
            return null;
        }

        foreach (var owner in old.OwnerUids)
        {
            Unindex(_byOwner, owner, key);
        }

        foreach (var label in old.IndexedLabels)
        {
            Unindex(_byLabel, label, key);
        }

        return old;
    }
}
