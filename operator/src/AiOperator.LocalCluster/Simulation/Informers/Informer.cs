using System.Collections.Concurrent;
using System.Globalization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Informers;

// A small list+watch cache, like client-go's informer: the simulated controllers read from it and
// write to the API server, so they behave like real out-of-process control-plane components.
// Objects enter it without metadata.managedFields, as kube-controller-manager's and kube-scheduler's
// informers drop them (none of these controllers reads them, and every deep copy would carry them);
// an update sent without managedFields leaves the stored ones as they are.
internal sealed class Informer<T, TList>(
    string resource,
    Func<bool, string?, CancellationToken, Task<HttpOperationResponse<TList>>> listOrWatch,
    TimeProvider time,
    ILogger logger) : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : IItems<T>, IMetadata<V1ListMeta>
{
    private readonly ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);

    // UIDs seen deleted, so a write-through arriving after the DELETED event cannot resurrect a ghost.
    private readonly ConcurrentDictionary<string, string> _tombstones = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Action> _subscribers = [];
    private long _version;
    private volatile Snapshot? _snapshot;

    public string Resource => resource;

    public Task Synced => _synced.Task;

    public void Subscribe(Action onChange)
    {
        lock (_subscribers)
        {
            _subscribers.Add(onChange);
        }
    }

    // Controllers list the whole cache on every pass. ConcurrentDictionary.Values locks every bucket
    // and copies; between changes the passes share one copy instead. The version is read before the
    // copy is taken, so a change made while copying leaves the copy stale-marked, never current.
    public IReadOnlyList<T> List()
    {
        var version = Volatile.Read(ref _version);
        if (_snapshot is { } snapshot && snapshot.Version == version)
        {
            return snapshot.Items;
        }

        T[] items = [.. _items.Select(pair => pair.Value)];
        _snapshot = new Snapshot(version, items);
        return items;
    }

    public T? Get(string? ns, string name) => _items.TryGetValue(Key(ns, name), out var item) ? item : null;

    // Write-through after our own writes so the next reconcile does not act on a stale cache
    // (client-go solves the same problem with "expectations").
    public void Upsert(T item)
    {
        if (_tombstones.TryGetValue(Key(item.Metadata), out var deadUid) && deadUid == item.Metadata.Uid)
        {
            return;
        }

        StripManagedFields(item);
        _items.AddOrUpdate(Key(item.Metadata), item, (_, old) => IsOlder(item, old) ? old : item);
        Notify();
    }

    public void Remove(string? ns, string name)
    {
        _items.TryRemove(Key(ns, name), out _);
        Notify();
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = await listOrWatch(false, null, ct);
                var fresh = list.Body.Items ?? [];
                _tombstones.Clear();
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in fresh)
                {
                    var key = Key(item.Metadata);
                    keys.Add(key);
                    StripManagedFields(item);
                    _items[key] = item;
                }

                foreach (var key in _items.Keys.Where(k => !keys.Contains(k)).ToList())
                {
                    _items.TryRemove(key, out _);
                }

                _synced.TrySetResult();
                Notify();
                await WatchAsync(list.Body.ResourceVersion(), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "watch of {Resource} ended; re-listing", resource);
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WatchAsync(string? resourceVersion, CancellationToken ct)
    {
        var watch = listOrWatch(true, resourceVersion, ct);
        // The generic extension is marked obsolete in favour of per-resource generated methods;
        // one generic informer is worth more here than nine copies of it.
#pragma warning disable CS0618
        var events = watch.WatchAsync<T, TList>(onError: null, cancellationToken: ct);
#pragma warning restore CS0618
        await foreach (var (type, item) in events)
        {
            if (type == WatchEventType.Error)
            {
                return;
            }

            Apply(type, item);
        }
    }

    // One watch event into the cache; newer resourceVersions win, deletions leave a tombstone.
    public void Apply(WatchEventType type, T item)
    {
        switch (type)
        {
            case WatchEventType.Added or WatchEventType.Modified:
                StripManagedFields(item);
                _items.AddOrUpdate(Key(item.Metadata), item, (_, old) => IsOlder(item, old) ? old : item);
                break;
            case WatchEventType.Deleted:
                if (_tombstones.Count > 10_000)
                {
                    _tombstones.Clear();
                }

                _tombstones[Key(item.Metadata)] = item.Metadata.Uid ?? string.Empty;
                _items.TryRemove(Key(item.Metadata), out _);
                break;
            default:
                return;
        }

        Notify();
    }

    private void Notify()
    {
        Interlocked.Increment(ref _version);
        Action[] subscribers;
        lock (_subscribers)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber();
        }
    }

    private static void StripManagedFields(T item) => item.Metadata.ManagedFields = null;

    private static bool IsOlder(T candidate, T current) =>
        long.TryParse(candidate.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var a)
        && long.TryParse(current.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var b)
        && a < b;

    private static string Key(V1ObjectMeta meta) => Key(meta.NamespaceProperty, meta.Name);

    private static string Key(string? ns, string name) => $"{ns}/{name}";

    private sealed record Snapshot(long Version, T[] Items);
}
