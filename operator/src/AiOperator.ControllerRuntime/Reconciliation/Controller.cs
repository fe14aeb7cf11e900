using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Queues;
using AiOperator.ControllerRuntime.RateLimiting;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>
/// One queue for every trigger of a primary kind (its own changes, owned children, mapped objects,
/// resyncs) feeding workers that call the reconciler; errors and conflicts back off per key, never dropped.
/// </summary>
public sealed class Controller<T> : IController
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IReconciler _reconciler;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ControllerMetrics _metrics;
    private readonly ILogger _logger;

    public Controller(string name, Informer<T> primary, IReconciler reconciler, ControllerOptions? options = null, TimeProvider? timeProvider = null, ControllerMetrics? metrics = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Primary = primary ?? throw new ArgumentNullException(nameof(primary));
        _reconciler = reconciler ?? throw new ArgumentNullException(nameof(reconciler));
        _options = options ?? new ControllerOptions();
        if (_options.MaxConcurrentReconciles < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ControllerOptions.MaxConcurrentReconciles must be at least 1");
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = metrics ?? new ControllerMetrics();
        _logger = logger ?? NullLogger.Instance;
        Queue = new WorkQueue<ObjectKey>(name, _options.RateLimiter ?? RateLimiters.DefaultController<ObjectKey>(_timeProvider), _timeProvider, _metrics);
        _metrics.MaxConcurrentReconciles.Set(_options.MaxConcurrentReconciles, name);
        _metrics.ActiveWorkers.Set(0, name);

        // Every change of the primary is a reason to look again, status changes included (KubeOps is known
        // to miss them), except this process's own status write coming back with nothing else changed.
        primary.AddHandler(e =>
        {
            var key = ObjectKey.Of(e.Object);
            if (_options.OwnStatusWrites is { } own)
            {
                if (e.Type == InformerEventType.Deleted)
                {
                    own.Forget(primary.Kind, key);
                }
                else if (e.Type == InformerEventType.Modified && e.Previous is { } previous
                    && StatusOnlyChange.Between(previous.Metadata, e.Object.Metadata)
                    && own.IsEcho(primary.Kind, key, StatusWriter.StatusOf(e.Object)))
                {
                    return;
                }
            }

            Queue.Add(key);
        });
    }

    public string Name { get; }

    public Informer<T> Primary { get; }

    public WorkQueue<ObjectKey> Queue { get; }

    /// <summary>A change to a child enqueues its controlling owner of the primary kind.</summary>
    public Controller<T> Owns<TChild>(Informer<TChild> children, bool controllerOnly = true)
        where TChild : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(children);
        var ownerKind = Primary.Kind;
        children.AddHandler(e =>
        {
            EnqueueOwners(e.Object.Metadata, ownerKind, controllerOnly);

            // A child moved from one owner to another: the old owner must look again too.
            if (e.OwnersMayHaveChanged && e.Previous is { } previous && !ReferenceEquals(previous, e.Object))
            {
                EnqueueOwners(previous.Metadata, ownerKind, controllerOnly);
            }
        });
        return this;
    }

    /// <summary>A change to another kind enqueues whatever keys the map returns (e.g. a TrainingJob to the ModelDeployments following it).</summary>
    public Controller<T> Watches<TOther>(Informer<TOther> other, Func<TOther, IEnumerable<ObjectKey>> map)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(map);
        other.AddHandler(e =>
        {
            foreach (var key in map(e.Object))
            {
                Queue.Add(key);
            }
        });
        return this;
    }

    public Task RunAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken, CancellationToken.None);

    public async Task RunAsync(CancellationToken cancellationToken, CancellationToken abort)
    {
        // A new term of leadership starts from everything known, not from whatever was queued before.
        foreach (var item in Primary.Cache.List())
        {
            Queue.Add(ObjectKey.Of(item));
        }

        using var hardStop = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        await using var grace = cancellationToken.Register(() => hardStop.CancelAfter(_options.ShutdownTimeout));
        await using var aborted = abort.Register(hardStop.Cancel);
        var workers = Enumerable.Range(0, _options.MaxConcurrentReconciles)
            .Select(_ => Task.Run(() => WorkerAsync(cancellationToken, hardStop.Token), CancellationToken.None))
            .ToArray();
        await Task.WhenAll(workers);
    }

    public void ShutDown() => Queue.ShutDown();

    /// <summary>Processes one key (exposed for tests and for hosts that drive workers themselves).</summary>
    public async Task ProcessAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        _metrics.ActiveWorkers.Add(1, Name);
        var started = _timeProvider.GetTimestamp();
        string outcome;
        try
        {
            var result = await _reconciler.ReconcileAsync(key, cancellationToken);
            if (result.RequeueAfter is { } delay)
            {
                Queue.Forget(key);
                Queue.AddAfter(key, delay);
                outcome = "requeue_after";
            }
            else if (result.Requeue)
            {
                Queue.AddRateLimited(key);
                outcome = "requeue";
            }
            else
            {
                Queue.Forget(key);
                outcome = "success";
            }
        }
        catch (KubeApiException ex) when (ex.IsConflict)
        {
            // Our cached copy was stale; the watch will bring the new one, so retry soon.
            _logger.LogDebug("{Controller} {Key}: conflict, requeueing", Name, key);
            Queue.AddRateLimited(key);
            outcome = "requeue";
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "{Controller} {Key}: reconcile failed (attempt {Attempt})", Name, key, Queue.Failures(key) + 1);
            _metrics.ReconcileErrors.Inc(Name);
            Queue.AddRateLimited(key);
            outcome = "error";
        }
        finally
        {
            _metrics.ActiveWorkers.Add(-1, Name);
            _metrics.ReconcileTime.Observe(_timeProvider.GetElapsedTime(started).TotalSeconds, Name);
        }

        _metrics.ReconcileTotal.Inc(Name, outcome);
    }

    private void EnqueueOwners(V1ObjectMeta? meta, ResourceKind ownerKind, bool controllerOnly)
    {
        foreach (var owner in OwnerMapping.OwnersOf(meta, ownerKind, controllerOnly))
        {
            Queue.Add(owner);
        }
    }

    private async Task WorkerAsync(CancellationToken stopTaking, CancellationToken hardStop)
    {
        while (true)
        {
            (bool Ok, ObjectKey Key) next;
            try
            {
                next = await Queue.GetAsync(stopTaking);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!next.Ok)
            {
                return;
            }

            try
            {
                await ProcessAsync(next.Key, hardStop);
            }
            finally
            {
                Queue.Done(next.Key);
            }
        }
    }
}
