using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Informers;

/// <summary>Thread-safe store keyed by namespace/name, indexed by owner uid and by label.</summary>
public sealed class ResourceCache<T> : IResourceCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ObjectKey, T> _items = [];
    private readonly Dictionary<string, HashSet<ObjectKey>> _byOwner = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Key, string Value), HashSet<ObjectKey>> _byLabel = [];

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
        lock (_lock)
        {
            return _items.TryGetValue(key, out obj!);
        }
    }

    public T? Get(string ns, string name) => TryGet(new ObjectKey(ns ?? string.Empty, name), out var obj) ? obj : null;

    public IReadOnlyList<T> List(string? ns = null)
    {
        lock (_lock)
        {
            return ns is null
                ? [.. _items.Values]
                : [.. _items.Where(p => p.Key.Namespace == ns).Select(p => p.Value)];
        }
    }

    public IReadOnlyList<T> ListByOwner(string ownerUid) => Lookup(_byOwner, ownerUid);

    public IReadOnlyList<T> ListByLabel(string? ns, string key, string value)
    {
        var all = Lookup(_byLabel, (key, value));
        return ns is null ? all : [.. all.Where(o => (o.Metadata.NamespaceProperty ?? string.Empty) == ns)];
    }

    /// <summary>Stores the object and returns the one it replaced.</summary>
    public T? Upsert(T obj)
    {
        var key = ObjectKey.Of(obj);
        lock (_lock)
        {
            var old = RemoveLocked(key);
            _items[key] = obj;
            foreach (var owner in obj.Metadata.OwnerReferences ?? [])
            {
                Index(_byOwner, owner.Uid, key);
            }

            foreach (var label in obj.Metadata.Labels ?? new Dictionary<string, string>())
            {
                Index(_byLabel, (label.Key, label.Value), key);
            }

            return old;
        }
    }

    public T? Remove(ObjectKey key)
    {
        lock (_lock)
        {
            return RemoveLocked(key);
        }
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

    private IReadOnlyList<T> Lookup<TIndex>(Dictionary<TIndex, HashSet<ObjectKey>> index, TIndex value)
        where TIndex : notnull
    {
        lock (_lock)
        {
            return index.TryGetValue(value, out var keys) ? [.. keys.Select(k => _items[k])] : [];
        }
    }

    private T? RemoveLocked(ObjectKey key)
    {
        if (!_items.Remove(key, out var old))
        {
            return null;
        }

        foreach (var owner in old.Metadata.OwnerReferences ?? [])
        {
            Unindex(_byOwner, owner.Uid, key);
        }

        foreach (var label in old.Metadata.Labels ?? new Dictionary<string, string>())
        {
            Unindex(_byLabel, (label.Key, label.Value), key);
        }

        return old;
    }
}
