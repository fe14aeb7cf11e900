using System.Collections.Concurrent;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.RateLimiting;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiOperator.ControllerRuntime.Informers;

/// <summary>
/// List-then-watch cache of one kind. Lists in pages, watches from the list's resourceVersion with
/// bookmarks and a randomized timeout, relists on 410 or a 504 "Too large resource version" (synthetic
/// deletes for what vanished), restarts a watch that goes quiet, paces reconnects with a token bucket, and
/// periodically resyncs every key.
/// </summary>
public sealed class Informer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IKubeApi _api;
    private readonly InformerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ControllerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ResourceCache<T> _cache;
    private readonly List<Action<InformerEvent<T>>> _handlers = [];
    private readonly List<Action<T, UndecodableObject>> _undecodableHandlers = [];
    private readonly ConcurrentDictionary<ObjectKey, UndecodableObject> _undecodable = new();
    private readonly Lock _handlersLock = new();
    private readonly Random _random = new();
    private readonly string?[] _scopes;
    private readonly bool[] _synced;
    private readonly TaskCompletionSource _syncedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastProgressTicks;
    private int _running;
    private Task? _runTask;

    public Informer(IKubeApi api, InformerOptions? options = null, TimeProvider? timeProvider = null, ControllerMetrics? metrics = null, ILogger? logger = null, ResourceKind? kind = null)
    {
        _api = api ?? throw new ArgumentNullException(nameof(api));
        _options = options ?? new InformerOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = metrics ?? new ControllerMetrics();
        _logger = logger ?? NullLogger.Instance;
        Kind = kind ?? ResourceKind.For<T>();
        _cache = new ResourceCache<T>(_options.IndexedLabels);
        _scopes = _options.Namespaces is { Count: > 0 } namespaces ? [.. namespaces.Distinct()] : [null];
        _synced = new bool[_scopes.Length];
        _lastProgressTicks = _timeProvider.GetUtcNow().UtcTicks;
        if (_options.PageSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "InformerOptions.PageSize must be positive");
        }
    }

    public ResourceKind Kind { get; }

    /// <summary>The cache; reconcilers read here, never from the API server.</summary>
    public IResourceCache<T> Cache => _cache;

    public bool HasSynced => _syncedSignal.Task.IsCompleted;

    public DateTimeOffset LastProgress => new(Interlocked.Read(ref _lastProgressTicks), TimeSpan.Zero);

    public bool IsAlive(DateTimeOffset now) =>
        _runTask is not { IsCompleted: true } && now - LastProgress <= _options.IdleTimeout * 2;

    /// <summary>Handlers run on the informer loop and must be quick (enqueue a key); a late handler first sees every cached object as Added.</summary>
    public void AddHandler(Action<InformerEvent<T>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_handlersLock)
        {
            _handlers.Add(handler);
        }

        foreach (var item in _cache.List())
        {
            Invoke(handler, new InformerEvent<T>(InformerEventType.Added, item, null));
        }
    }

    /// <summary>
    /// Objects that exist but do not decode into T (a field of the wrong type), by namespace/name. The cache keeps
    /// the last version that decoded, if any; a delete removes both.
    /// </summary>
    public IReadOnlyCollection<UndecodableObject> Undecodable => [.. _undecodable.Values];

    /// <summary>Called once per undecodable version of an object (with an object carrying only its identity), on the informer loop.</summary>
    public void AddUndecodableHandler(Action<T, UndecodableObject> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_handlersLock)
        {
            _undecodableHandlers.Add(handler);
        }
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _syncedSignal.Task.WaitAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"informer for {Kind.Plural} is already running");
        }

        var loops = _scopes.Select((scope, index) => Task.Run(() => ScopeLoopAsync(scope, index, cancellationToken), CancellationToken.None)).ToList();
        if (_options.ResyncPeriod > TimeSpan.Zero)
        {
            loops.Add(Task.Run(() => ResyncLoopAsync(cancellationToken), CancellationToken.None));
        }

        _runTask = Task.WhenAll(loops);
        return _runTask;
    }

    private async Task ScopeLoopAsync(string? scope, int index, CancellationToken cancellationToken)
    {
        var reconnects = new TokenBucket(_options.ReconnectRate, _options.ReconnectBurst, _timeProvider);
        string? resourceVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            string reason;
            try
            {
                await reconnects.WaitAsync(cancellationToken);
                Touch();
                if (resourceVersion is null)
                {
                    resourceVersion = await ListAsync(scope, cancellationToken);
                    MarkSynced(index);
                }

                var state = new WatchState(resourceVersion);
                try
                {
                    reason = await WatchAsync(scope, state, cancellationToken);
                }
                finally
                {
                    resourceVersion = state.ResourceVersion;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException ex) when (ex.IsGone)
            {
                // The resourceVersion was compacted away: only a fresh list can say what exists now.
                _logger.LogInformation("{Kind} watch expired at resourceVersion {ResourceVersion}; relisting", Kind.Plural, resourceVersion);
                resourceVersion = null;
                reason = "expired";
            }
            catch (KubeApiException ex) when (ex.IsTooLargeResourceVersion)
            {
                // The server is behind the version we hold and did not catch up: list what it has now.
                _logger.LogWarning("{Kind} watch from resourceVersion {ResourceVersion} is ahead of the server; relisting", Kind.Plural, resourceVersion);
                resourceVersion = null;
                reason = "too-large-resource-version";
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "{Kind} list/watch failed in {Scope}; reconnecting", Kind.Plural, scope ?? "all namespaces");
                reason = "error";
            }

            _metrics.WatchRestarts.Inc(Kind.Plural, reason);
        }
    }

    private async Task<string> ListAsync(string? scope, CancellationToken cancellationToken)
    {
        _metrics.Relists.Inc(Kind.Plural);
        var items = new List<T>();
        var undecodable = new List<UndecodableObject>();
        string? continueToken = null;
        string? listVersion = null;
        while (true)
        {
            KubeList<T> page;
            try
            {
                page = await _api.ListAsync<T>(Kind, scope, new ListRequest(_options.PageSize, continueToken, _options.LabelSelector), cancellationToken);
            }
            catch (KubeApiException ex) when (ex.IsGone && continueToken is not null)
            {
                // The continue token expired between pages: start the list over.
                items.Clear();
                undecodable.Clear();
                continueToken = null;
                listVersion = null;
                continue;
            }

            listVersion ??= page.ResourceVersion;
            items.AddRange(page.Items.Select(Transform));
            undecodable.AddRange(page.Undecodable ?? []);
            continueToken = page.Continue;
            Touch();
            if (continueToken is null)
            {
                break;
            }
        }

        // An object that exists but does not decode is not deleted: its last good version stays cached.
        var unreadable = undecodable.Select(u => new ObjectKey(u.Namespace ?? string.Empty, u.Name)).ToHashSet();
        var cached = (scope is null ? _cache.List() : _cache.List(scope)).Where(c => !unreadable.Contains(ObjectKey.Of(c)));
        var changes = RelistDiff.Compute(cached, items);
        foreach (var key in _undecodable.Keys.Where(k => (scope is null || k.Namespace == scope) && !unreadable.Contains(k)))
        {
            _undecodable.TryRemove(key, out _);
        }

        foreach (var failure in undecodable)
        {
            Track(failure);
        }

        UpdateUndecodableGauge();
        foreach (var deleted in changes.Deleted)
        {
            _cache.Take(ObjectKey.Of(deleted));
            Dispatch(new InformerEvent<T>(InformerEventType.Deleted, deleted, null));
        }

        foreach (var added in changes.Added)
        {
            _cache.Put(added);
            Dispatch(new InformerEvent<T>(InformerEventType.Added, added, null));
        }

        foreach (var (old, updated) in changes.Updated)
        {
            _cache.Put(updated);
            Dispatch(new InformerEvent<T>(InformerEventType.Modified, updated, old));
        }

        return listVersion ?? string.Empty;
    }

    private async Task<string> WatchAsync(string? scope, WatchState state, CancellationToken cancellationToken)
    {
        var timeout = WatchTimeout.NextSeconds(_random, _options.MinWatchTimeout, _options.MaxWatchTimeout);
        using var idle = new CancellationTokenSource(_options.IdleTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        try
        {
            var request = new WatchRequest(state.ResourceVersion, timeout, _options.LabelSelector);
            await foreach (var change in _api.WatchAsync<T>(Kind, scope, request, linked.Token))
            {
                idle.CancelAfter(_options.IdleTimeout);
                Touch();
                Apply(change);
                if (!string.IsNullOrEmpty(change.ResourceVersion))
                {
                    state.ResourceVersion = change.ResourceVersion;
                }
            }

            return "closed";
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("{Kind} watch idle for {Idle}; restarting it", Kind.Plural, _options.IdleTimeout);
            return "idle";
        }
    }

    // Objects are trimmed once, on the way into the cache: managedFields (never read by reconcilers, often
    // the largest part of an object) always, then whatever the informer's own transform drops.
    private T Transform(T obj)
    {
        obj.Metadata?.ManagedFields = null;
        return _options.Transform is { } transform ? (T)transform(obj) : obj;
    }

    private void Apply(WatchEvent<T> change)
    {
        if (change.Undecodable is { } failure)
        {
            ApplyUndecodable(change, failure);
            return;
        }

        if (change.Type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted && _undecodable.TryRemove(ObjectKey.Of(change.Object), out _))
        {
            UpdateUndecodableGauge();
        }

        switch (change.Type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                var current = Transform(change.Object);
                var old = _cache.Put(current);
                Dispatch(old is null
                    ? new InformerEvent<T>(InformerEventType.Added, current, null)
                    : new InformerEvent<T>(InformerEventType.Modified, current, () => ResourceCache<T>.Decode(old), !SameOwners(old, current)));
                break;
            case WatchEventType.Deleted:
                var removed = _cache.Take(ObjectKey.Of(change.Object));
                Dispatch(removed is null
                    ? new InformerEvent<T>(InformerEventType.Deleted, change.Object, null)
                    : new InformerEvent<T>(InformerEventType.Deleted, change.Object, () => ResourceCache<T>.Decode(removed), !SameOwners(removed, change.Object)));
                break;
            default:
                // BOOKMARK: only its resourceVersion matters, recorded by the caller.
                break;
        }
    }

    // A change we cannot read: a delete still removes the object (a stale copy would have its children
    // recreated as fast as they are collected); anything else is tracked and reported, the last good copy kept.
    private void ApplyUndecodable(WatchEvent<T> change, UndecodableObject failure)
    {
        var key = new ObjectKey(failure.Namespace ?? string.Empty, failure.Name);
        if (change.Type == WatchEventType.Deleted)
        {
            _undecodable.TryRemove(key, out _);
            UpdateUndecodableGauge();
            var removed = _cache.Remove(key);
            Dispatch(new InformerEvent<T>(InformerEventType.Deleted, removed ?? change.Object, removed));
            return;
        }

        Track(failure);
        UpdateUndecodableGauge();
    }

    private void Track(UndecodableObject failure)
    {
        var key = new ObjectKey(failure.Namespace ?? string.Empty, failure.Name);
        if (_undecodable.TryGetValue(key, out var known) && known.ResourceVersion == failure.ResourceVersion)
        {
            return;
        }

        _undecodable[key] = failure;
        _logger.LogWarning("{Kind} {Key} (resourceVersion {ResourceVersion}) cannot be decoded: {Field}: {Error}", Kind.Plural, key, failure.ResourceVersion, failure.Field, failure.Error);
        if (failure.Identity<T>(Kind) is not { } identity)
        {
            return;
        }

        Action<T, UndecodableObject>[] handlers;
        lock (_handlersLock)
        {
            handlers = [.. _undecodableHandlers];
        }

        foreach (var handler in handlers)
        {
            try
            {
                handler(identity, failure);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "{Kind} undecodable-object handler failed", Kind.Plural);
            }
        }
    }

    private void UpdateUndecodableGauge() => _metrics.UndecodableObjects.Set(_undecodable.Count, Kind.Plural);

    private async Task ResyncLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ResyncPeriod, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var item in _cache.List())
                {
                    Dispatch(new InformerEvent<T>(InformerEventType.Resync, item, item));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static bool SameOwners(CachedObject entry, T obj) =>
        entry.OwnerUids.SequenceEqual((obj.Metadata.OwnerReferences ?? []).Select(o => o.Uid), StringComparer.Ordinal);

    private void Dispatch(InformerEvent<T> change)
    {
        Action<InformerEvent<T>>[] handlers;
        lock (_handlersLock)
        {
            handlers = [.. _handlers];
        }

        foreach (var handler in handlers)
        {
            Invoke(handler, change);
        }
    }

    private void Invoke(Action<InformerEvent<T>> handler, InformerEvent<T> change)
    {
        try
        {
            handler(change);
        }
        catch (Exception ex)
        {
            // A faulty handler must not stop the watch that every other handler depends on.
            _logger.LogError(ex, "{Kind} event handler failed", Kind.Plural);
        }
    }

    private void MarkSynced(int index)
    {
        lock (_synced)
        {
            _synced[index] = true;
            if (_synced.All(s => s))
            {
                _syncedSignal.TrySetResult();
            }
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastProgressTicks, _timeProvider.GetUtcNow().UtcTicks);

    private sealed class WatchState(string resourceVersion)
    {
        public string ResourceVersion { get; set; } = resourceVersion;
    }
}
