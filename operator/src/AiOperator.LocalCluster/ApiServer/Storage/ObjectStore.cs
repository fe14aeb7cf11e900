using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Storage.Durability;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// The "etcd" of the local cluster: objects per resource, one global resourceVersion counter, a
// bounded event history for watch resumption, and the open watchers. Mutating members require
// Gate to be held by the caller, so a verb's read-check-write is atomic.
internal sealed class ObjectStore
{
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ObjectRef> _byUid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<ObjectRef>> _dependents = new(StringComparer.Ordinal);
    private readonly HistoryEntry?[] _history;
    private readonly int _watchCapacity;
    private int _historyHead;
    private int _historyCount;
    private long _rv;
    private long _compactedRv;
    private DurableLog? _durable;

    // The filter of a list or watch without selectors: recognised so that no object's tree is parsed for it.
    public static readonly Func<JsonObject, bool> Everything = static _ => true;

    public ObjectStore(int historySize, int watchCapacity)
    {
        _history = new HistoryEntry?[Math.Max(16, historySize)];
        _watchCapacity = Math.Max(8, watchCapacity);
    }

    public object Gate { get; } = new();

    public long CurrentResourceVersion
    {
        get
        {
            lock (Gate)
            {
                return _rv;
            }
        }
    }

    public int WatcherCount
    {
        get
        {
            lock (Gate)
            {
                return _buckets.Values.Sum(b => b.Watchers.Count);
            }
        }
    }

    // Loads what a DurableLog read back and journals every later change to it.
    public void Restore(DurableLog log, IReadOnlyList<LogRecord> objects, long resourceVersion)
    {
        lock (Gate)
        {
            foreach (var record in objects)
            {
                var obj = JsonNode.Parse(record.Json)!.AsObject();
                JsonTree.Freeze(obj);
                var stored = new StoredObject(record.Ref, obj, record.Json!, record.ResourceVersion);
                var bucket = BucketFor(record.Ref.StoreKey);
                if (!bucket.Items.TryGetValue(record.Ref.Namespace, out var names))
                {
                    names = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
                    bucket.Items[record.Ref.Namespace] = names;
                }

                names[record.Ref.Name] = stored;
                bucket.ChangedAt = Math.Max(bucket.ChangedAt, record.ResourceVersion);
                Index(stored);
            }

            // Versions only grow across restarts; nothing from before the restart can be watched from.
            _rv = Math.Max(_rv, resourceVersion);
            _compactedRv = _rv;
            _durable = log;
        }

        log.Start(Gate, () => _buckets.Values.SelectMany(b => b.Items.Values.SelectMany(n => n.Values))
            .Select(s => new LogRecord(s.ResourceVersion, s.Ref, s.Json)));
    }

    // Completes once every change made so far is on disk (at once without a state folder).
    public Task WaitDurableAsync() => _durable?.WaitDurableAsync() ?? Task.CompletedTask;

    public StoredObject? Get(string storeKey, string ns, string name)
    {
        Debug.Assert(Monitor.IsEntered(Gate));
        return _buckets.TryGetValue(storeKey, out var bucket) && bucket.Items.TryGetValue(ns, out var names) && names.TryGetValue(name, out var stored)
            ? stored
            : null;
    }

    public StoredObject? Get(ObjectRef reference) => Get(reference.StoreKey, reference.Namespace, reference.Name);

    public ObjectRef? FindUid(string uid)
    {
        Debug.Assert(Monitor.IsEntered(Gate));
        return _byUid.TryGetValue(uid, out var reference) ? reference : null;
    }

    public IReadOnlyList<ObjectRef> DependentsOf(string uid)
    {
        Debug.Assert(Monitor.IsEntered(Gate));
        return _dependents.TryGetValue(uid, out var set) ? set.ToList() : [];
    }

    // Sorted by namespace then name, the order etcd keys give a real list.
    public IEnumerable<StoredObject> Enumerate(string storeKey, string? ns)
    {
        Debug.Assert(Monitor.IsEntered(Gate));
        if (!_buckets.TryGetValue(storeKey, out var bucket))
        {
            yield break;
        }

        if (ns is not null)
        {
            if (bucket.Items.TryGetValue(ns, out var names))
            {
                foreach (var stored in names.Values)
                {
                    yield return stored;
                }
            }

            yield break;
        }

        foreach (var namespaceName in bucket.Items.Keys.Order(StringComparer.Ordinal).ToList())
        {
            foreach (var stored in bucket.Items[namespaceName].Values)
            {
                yield return stored;
            }
        }
    }

    public IReadOnlyList<ObjectRef> AllInNamespace(string ns)
    {
        Debug.Assert(Monitor.IsEntered(Gate));
        var result = new List<ObjectRef>();
        foreach (var bucket in _buckets.Values)
        {
            if (bucket.Items.TryGetValue(ns, out var names))
            {
                result.AddRange(names.Values.Select(s => s.Ref));
            }
        }

        return result;
    }

    // exactAt (resourceVersionMatch=Exact) lists the state as it was at that version, rebuilt from the
    // event history; a version the history no longer covers is 410, as etcd answers a compacted revision.
    public ListPage List(string storeKey, string? ns, Func<JsonObject, bool> filter, int limit, ContinueAt? start, long? exactAt = null)
    {
        lock (Gate)
        {
            if (start is not null && start.ResourceVersion < _compactedRv)
            {
                throw ApiErrors.Gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
            }

            if (exactAt < _compactedRv)
            {
                throw ApiErrors.Gone("The resourceVersion for the provided list is too old.");
            }

            var items = new List<StoredObject>();
            string? lastKey = null;
            long remaining = 0;
            var full = false;
            foreach (var stored in exactAt is { } at ? StateAt(storeKey, ns, at) : Enumerate(storeKey, ns))
            {
                var key = SortKey(stored.Ref);
                if (start is not null && string.CompareOrdinal(key, start.LastKey) <= 0)
                {
                    continue;
                }

                if (!ReferenceEquals(filter, Everything) && !filter(stored.Object))
                {
                    continue;
                }

                if (full)
                {
                    remaining++;
                    continue;
                }

                items.Add(stored);
                lastKey = key;
                if (limit > 0 && items.Count >= limit)
                {
                    full = true;
                }
            }

            var listRv = start?.ResourceVersion ?? exactAt ?? _rv;
            return remaining > 0
                ? new ListPage(items, listRv, new Selection.ContinueToken(listRv, lastKey!).Encode(), remaining)
                : new ListPage(items, listRv, null, null);
        }
    }

    /// <summary>The resourceVersion of the last create, update or delete in a resource's bucket (0: none), so a
    /// reader can cache what it derives from a resource and rebuild it only when that resource changed.</summary>
    // The objects as they were at resourceVersion: today's, with every later change undone (newest
    // first), in list order.
    private List<StoredObject> StateAt(string storeKey, string? ns, long resourceVersion)
    {
        var state = Enumerate(storeKey, ns).ToDictionary(s => s.Ref);
        foreach (var entry in History().Reverse())
        {
            var reference = entry.Object.Ref;
            if (entry.Object.ResourceVersion <= resourceVersion)
            {
                break;
            }

            if (reference.StoreKey != storeKey || (ns is not null && reference.Namespace != ns))
            {
                continue;
            }

            if (entry.Previous is { } before)
            {
                state[reference] = before;
            }
            else
            {
                state.Remove(reference);
            }
        }

        return [.. state.Values.OrderBy(s => SortKey(s.Ref), StringComparer.Ordinal)];
    }

    public long ChangedAt(string storeKey)
    {
        Debug.Assert(Monitor.IsEntered(Gate));
        return _buckets.TryGetValue(storeKey, out var bucket) ? bucket.ChangedAt : 0;
    }

    public static string SortKey(ObjectRef reference) => reference.Namespace + "/" + reference.Name;

    public StoredObject Put(ObjectRef reference, JsonObject obj, StoredObject? previous)
    {
        Debug.Assert(Monitor.IsEntered(Gate));
        var rv = ++_rv;
        obj.Metadata()["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        JsonTree.Freeze(obj);
        var stored = new StoredObject(reference, obj, JsonTree.ToBytes(obj), rv);
        var bucket = BucketFor(reference.StoreKey);
        if (!bucket.Items.TryGetValue(reference.Namespace, out var names))
        {
            names = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
            bucket.Items[reference.Namespace] = names;
        }

        names[reference.Name] = stored;
        bucket.ChangedAt = rv;
        if (previous is not null)
        {
            Unindex(previous);
        }

        Index(stored);
        _durable?.Append(new LogRecord(rv, reference, stored.Json));
        Record(new HistoryEntry(previous is null ? "ADDED" : "MODIFIED", stored, previous), bucket);
        return stored;
    }

    // Removal gets its own resourceVersion: the DELETED event carries the final state at that version.
    public StoredObject Remove(StoredObject current)
    {
        Debug.Assert(Monitor.IsEntered(Gate));
        var reference = current.Ref;
        var bucket = BucketFor(reference.StoreKey);
        if (bucket.Items.TryGetValue(reference.Namespace, out var names))
        {
            names.Remove(reference.Name);
            if (names.Count == 0)
            {
                bucket.Items.Remove(reference.Namespace);
            }
        }

        Unindex(current);
        var rv = ++_rv;
        var final = current.MutableCopy();
        final.Metadata()["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        JsonTree.Freeze(final);
        var stored = new StoredObject(reference, final, JsonTree.ToBytes(final), rv);
        bucket.ChangedAt = rv;
        _durable?.Append(new LogRecord(rv, reference, null));
        Record(new HistoryEntry("DELETED", stored, current), bucket);
        return stored;
    }

    public WatchStart Watch(string storeKey, string? ns, Func<JsonObject, bool> filter, string? resourceVersion)
    {
        lock (Gate)
        {
            var watcher = new Watcher(storeKey, ns, filter, _watchCapacity);
            var backlog = new List<WatchItem>();
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var stored in Enumerate(storeKey, ns))
                {
                    if (ReferenceEquals(filter, Everything) || filter(stored.Object))
                    {
                        backlog.Add(new WatchItem("ADDED", stored));
                    }
                }
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                {
                    throw ApiErrors.BadRequest($"invalid resource version: {resourceVersion}");
                }

                if (from < _compactedRv)
                {
                    throw ApiErrors.Gone($"too old resource version: {from} ({_compactedRv + 1})");
                }

                // Replayed through the watcher's own filter so selector transitions are honoured.
                var replay = new Watcher(storeKey, ns, filter, int.MaxValue);
                foreach (var entry in History())
                {
                    if (entry.Object.ResourceVersion > from && entry.Object.Ref.StoreKey == storeKey)
                    {
                        replay.Deliver(entry);
                    }
                }

                replay.Channel.Writer.TryComplete();
                while (replay.Channel.Reader.TryRead(out var item))
                {
                    backlog.Add(item);
                }
            }

            BucketFor(storeKey).Watchers.Add(watcher);
            return new WatchStart(watcher, backlog, _rv);
        }
    }

    public void Unwatch(Watcher watcher)
    {
        lock (Gate)
        {
            watcher.Close();
            if (_buckets.TryGetValue(watcher.StoreKey, out var bucket))
            {
                bucket.Watchers.Remove(watcher);
            }
        }
    }

    // A bookmark is only safe when nothing older is still queued for this watcher.
    public long? BookmarkVersion(Watcher watcher)
    {
        lock (Gate)
        {
            return watcher.Channel.Reader.Count == 0 ? _rv : null;
        }
    }

    // A resource that stops being served (its CRD deleted) ends its watches, as kube-apiserver does.
    public void CloseWatchers(string storeKey)
    {
        lock (Gate)
        {
            if (_buckets.TryGetValue(storeKey, out var bucket))
            {
                foreach (var watcher in bucket.Watchers)
                {
                    watcher.Close();
                }

                bucket.Watchers.Clear();
            }
        }
    }

    public void CloseAllWatchers()
    {
        lock (Gate)
        {
            foreach (var bucket in _buckets.Values)
            {
                foreach (var watcher in bucket.Watchers)
                {
                    watcher.Close();
                }

                bucket.Watchers.Clear();
            }
        }
    }

    // Everything up to now becomes too old: watches and continue tokens from before get 410. The counter
    // moves on by one so that a fresh list's resourceVersion is itself still watchable.
    public void Compact()
    {
        lock (Gate)
        {
            _compactedRv = ++_rv;
            Array.Clear(_history);
            _historyCount = 0;
            _historyHead = 0;
        }
    }

    private IEnumerable<HistoryEntry> History()
    {
        var start = (_historyHead - _historyCount + _history.Length) % _history.Length;
        for (var i = 0; i < _historyCount; i++)
        {
            yield return _history[(start + i) % _history.Length]!;
        }
    }

    private void Record(HistoryEntry entry, Bucket bucket)
    {
        if (_historyCount == _history.Length)
        {
            var oldest = _history[_historyHead]!;
            _compactedRv = Math.Max(_compactedRv, oldest.Object.ResourceVersion);
        }
        else
        {
            _historyCount++;
        }

        _history[_historyHead] = entry;
        _historyHead = (_historyHead + 1) % _history.Length;
        if (bucket.Watchers.Count > 0)
        {
            var anyClosed = false;
            foreach (var watcher in bucket.Watchers)
            {
                watcher.Deliver(entry);
                anyClosed |= watcher.Closed;
            }

            if (anyClosed)
            {
                bucket.Watchers.RemoveAll(w => w.Closed);
            }
        }
    }

    private void Index(StoredObject stored)
    {
        if (stored.Uid.Length > 0)
        {
            _byUid[stored.Uid] = stored.Ref;
        }

        foreach (var ownerUid in stored.OwnerUids)
        {
            if (!_dependents.TryGetValue(ownerUid, out var set))
            {
                set = [];
                _dependents[ownerUid] = set;
            }

            set.Add(stored.Ref);
        }
    }

    private void Unindex(StoredObject stored)
    {
        _byUid.Remove(stored.Uid);
        foreach (var ownerUid in stored.OwnerUids)
        {
            if (_dependents.TryGetValue(ownerUid, out var set))
            {
                set.Remove(stored.Ref);
                if (set.Count == 0)
                {
                    _dependents.Remove(ownerUid);
                }
            }
        }
    }

    private Bucket BucketFor(string storeKey)
    {
        if (!_buckets.TryGetValue(storeKey, out var bucket))
        {
            bucket = new Bucket();
            _buckets[storeKey] = bucket;
        }

        return bucket;
    }

    private sealed class Bucket
    {
        public Dictionary<string, SortedDictionary<string, StoredObject>> Items { get; } = new(StringComparer.Ordinal);

        public List<Watcher> Watchers { get; } = [];

        public long ChangedAt { get; set; }
    }
}
