using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.ControllerRuntime.Tests.Fakes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.ControllerRuntime.Tests.Reconciliation;

public sealed class ControllerTests
{
    private static readonly ObjectKey Key = new("ns", "web");
    private readonly FakeTimeProvider _time = new();
    private readonly ControllerMetrics _metrics = new();

    [Fact]
    public async Task Conflict_is_requeued_with_backoff_and_not_counted_as_an_error()
    {
        var controller = NewController(_ => throw new KubeApiException("PATCH", "/x", 409, null));

        await controller.ProcessAsync(Key, CancellationToken.None);

        Assert.Equal(1, _metrics.ReconcileTotal.Value("test", "requeue"));
        Assert.Equal(0, _metrics.ReconcileErrors.Value("test"));
        Assert.Equal(0, controller.Queue.Count);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, controller.Queue.Count);
    }

    [Fact]
    public async Task Errors_back_off_longer_each_time_and_success_resets()
    {
        var fail = true;
        var controller = NewController(_ => fail ? throw new InvalidOperationException("boom") : ReconcileResult.Done);

        for (var i = 0; i < 12; i++)
        {
            await controller.ProcessAsync(Key, CancellationToken.None);
        }

        Assert.Equal(12, controller.Queue.Failures(Key));
        Assert.Equal(12, _metrics.ReconcileErrors.Value("test"));
        fail = false;
        await controller.ProcessAsync(Key, CancellationToken.None);
        Assert.Equal(0, controller.Queue.Failures(Key));
        Assert.Equal(1, _metrics.ReconcileTotal.Value("test", "success"));
    }

    [Fact]
    public async Task RequeueAfter_comes_back_after_the_delay()
    {
        var controller = NewController(_ => ReconcileResult.After(TimeSpan.FromSeconds(30)));

        await controller.ProcessAsync(Key, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, controller.Queue.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, controller.Queue.Count);
    }

    [Fact]
    public async Task Workers_never_reconcile_one_key_twice_at_once_and_finish_in_flight_work_on_stop()
    {
        var running = new HashSet<ObjectKey>();
        var overlap = false;
        var done = 0;
        var reconciler = new DelegateReconciler(async (key, ct) =>
        {
            lock (running)
            {
                overlap |= !running.Add(key);
            }

            await Task.Yield();
            lock (running)
            {
                running.Remove(key);
                done++;
            }

            return ReconcileResult.Done;
        });
        var informer = new Informer<V1Deployment>(new RecordingKubeApi(), timeProvider: _time, metrics: _metrics);
        var controller = new Controller<V1Deployment>("test", informer, reconciler, new ControllerOptions { MaxConcurrentReconciles = 4 }, _time, _metrics);
        using var stop = new CancellationTokenSource();

        var run = controller.RunAsync(stop.Token);
        for (var i = 0; i < 3000; i++)
        {
            controller.Queue.Add(new ObjectKey("ns", $"k{i % 5}"));
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (controller.Queue.Count > 0 || Enumerable.Range(0, 5).Any(i => controller.Queue.IsProcessing(new ObjectKey("ns", $"k{i}"))))
        {
            Assert.True(DateTime.UtcNow < deadline, "queue did not drain");
            await Task.Yield();
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(overlap);
        Assert.True(done >= 5);
    }

    [Theory]
    [InlineData(false, new[] { "a", "b", "c", "d" })]
    [InlineData(true, new[] { "a", "c", "d" })]
    public async Task Own_status_writes_coming_back_are_not_reconciled_but_everything_else_is(bool knowOwnWrites, string[] expected)
    {
        var api = new ScriptedKubeApi();
        api.Lists.Enqueue(_ => new KubeList<V1Deployment>([Deployment("a", "1", 1, 0), Deployment("b", "2", 1, 0), Deployment("c", "3", 1, 0), Deployment("d", "4", 1, 0)], "4", null));
        using var release = new ManualResetEventSlim();
        api.Watches.Enqueue(_ => Updates(release));
        var own = new StatusEchoes();
        own.Record(ResourceKind.For<V1Deployment>(), new ObjectKey("ns", "b"), StatusWriter.StatusOf(Deployment("b", "6", 1, ready: 1)));
        own.Record(ResourceKind.For<V1Deployment>(), new ObjectKey("ns", "c"), StatusWriter.StatusOf(Deployment("c", "6", 1, ready: 5)));
        var informer = new Informer<V1Deployment>(api, new InformerOptions { ResyncPeriod = TimeSpan.Zero }, _time, _metrics);
        var controller = new Controller<V1Deployment>("test", informer, new DelegateReconciler((_, _) => Task.FromResult(ReconcileResult.Done)),
            new ControllerOptions { OwnStatusWrites = knowOwnWrites ? own : null }, _time, _metrics);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // The list enqueued every key; take them out before the updates arrive.
        for (var i = 0; i < 4; i++)
        {
            var (_, key) = await controller.Queue.GetAsync(CancellationToken.None);
            controller.Queue.Done(key);
        }

        release.Set();
        await Eventually.TrueAsync(() => informer.Cache.Get("ns", "d")?.Metadata.ResourceVersion == "8", "all updates seen");

        // Handlers run after the cache is updated, so the last update's key may not be queued yet.
        await Eventually.TrueAsync(() => controller.Queue.Count >= expected.Length, "the expected number of keys queued");
        var queued = new List<string>();
        while (controller.Queue.Count > 0)
        {
            var (_, key) = await controller.Queue.GetAsync(CancellationToken.None);
            queued.Add(key.Name);
            controller.Queue.Done(key);
        }

        Assert.Equal(expected, queued.Order());
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Owned_child_changes_enqueue_the_owner()
    {
        var api = new RecordingKubeApi();
        var primary = new Informer<V1Deployment>(api, timeProvider: _time, metrics: _metrics);
        var pods = new Informer<V1Pod>(api, timeProvider: _time, metrics: _metrics);
        var controller = new Controller<V1Deployment>("test", primary, new DelegateReconciler((_, _) => Task.FromResult(ReconcileResult.Done)), null, _time, _metrics);

        controller.Owns(pods);
        var cache = (ResourceCache<V1Pod>)pods.Cache;
        Assert.Equal(0, controller.Queue.Count);

        // Handlers added after objects are cached replay them, so this path is the same as a live event.
        cache.Upsert(new V1Pod { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "ns", OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web", Uid = "u", Controller = true }] } });
        var late = new Controller<V1Deployment>("late", primary, new DelegateReconciler((_, _) => Task.FromResult(ReconcileResult.Done)), null, _time, _metrics);
        late.Owns(pods);

        Assert.Equal(1, late.Queue.Count);
    }

    [Fact]
    public async Task Stopping_lets_an_in_flight_reconcile_finish_and_takes_no_new_work()
    {
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var sawCancellation = false;
        var calls = 0;
        var informer = new Informer<V1Deployment>(new RecordingKubeApi(), timeProvider: _time, metrics: _metrics);
        var controller = new Controller<V1Deployment>("test", informer, new DelegateReconciler(async (_, ct) =>
        {
            Interlocked.Increment(ref calls);
            entered.TrySetResult();
            await release.Task;
            sawCancellation = ct.IsCancellationRequested;
            return ReconcileResult.Done;
        }), new ControllerOptions { MaxConcurrentReconciles = 1 }, _time, _metrics);
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);
        controller.Queue.Add(Key);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        controller.Queue.Add(new ObjectKey("ns", "other"));
        await stop.CancelAsync();
        Assert.False(run.IsCompleted);
        release.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(sawCancellation);
        Assert.Equal(1, calls);
        Assert.Equal(1, controller.Queue.Count);
    }

    [Fact]
    public async Task A_reconcile_still_running_after_the_grace_period_is_cancelled()
    {
        var entered = new TaskCompletionSource();
        var informer = new Informer<V1Deployment>(new RecordingKubeApi(), timeProvider: _time, metrics: _metrics);
        var controller = new Controller<V1Deployment>("test", informer, new DelegateReconciler(async (_, ct) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Done;
        }), new ControllerOptions { ShutdownTimeout = TimeSpan.FromSeconds(30) }, _time, _metrics);
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);
        controller.Queue.Add(Key);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await stop.CancelAsync();
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(run.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, _metrics.ReconcileErrors.Value("test"));
    }

    // a: a spec change; b: our own status write coming back; c: a status other than the one we wrote
    // (someone else's); d: a label change. Held until released.
    private static IEnumerable<object> Updates(ManualResetEventSlim release)
    {
        release.Wait(TimeSpan.FromSeconds(30));
        yield return new WatchEvent<V1Deployment>(WatchEventType.Modified, Deployment("a", "5", generation: 2, ready: 0), "5");
        yield return new WatchEvent<V1Deployment>(WatchEventType.Modified, Deployment("b", "6", generation: 1, ready: 1), "6");
        yield return new WatchEvent<V1Deployment>(WatchEventType.Modified, Deployment("c", "7", generation: 1, ready: 1), "7");
        yield return new WatchEvent<V1Deployment>(WatchEventType.Modified, Deployment("d", "8", generation: 1, ready: 0, label: "gold"), "8");
    }

    private static V1Deployment Deployment(string name, string resourceVersion, long generation, int ready, string label = "web") => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = "ns", Uid = name, ResourceVersion = resourceVersion, Generation = generation,
            Labels = new Dictionary<string, string> { ["tier"] = label },
        },
        Status = new V1DeploymentStatus { ReadyReplicas = ready },
    };

    private Controller<V1Deployment> NewController(Func<ObjectKey, ReconcileResult> reconcile)
    {
        var informer = new Informer<V1Deployment>(new RecordingKubeApi(), timeProvider: _time, metrics: _metrics);
        return new Controller<V1Deployment>("test", informer, new DelegateReconciler((key, _) => Task.FromResult(reconcile(key))), null, _time, _metrics);
    }
}
