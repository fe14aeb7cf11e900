using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.ControllerRuntime.Tests.Support;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Reconciliation;

// A custom resource end to end: informer before the CRD exists, readiness on the CRD, status
// through the status subresource only when it changed, observedGeneration and condition times.
public sealed class StatusWriterIntegrationTests
{
    [Fact]
    public async Task Custom_resource_status_is_written_once_per_real_change()
    {
        await using var cluster = await TestCluster.StartAsync();
        var host = new ControllerHost(cluster.Api, new ControllerHostOptions { ProbePort = null, Namespaces = [cluster.Namespace] }, cluster.Metrics);
        var widgets = host.Informer<Widget>(new InformerOptions { Namespaces = [cluster.Namespace], ReconnectRate = 20, ReconnectBurst = 5 });
        host.AddController<Widget>("widget", new WidgetReconciler(widgets.Cache, host.Status));
        host.RequireCrds(WidgetCrd.Name);
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);

        var before = await host.ReadinessAsync(CancellationToken.None);
        Assert.False(before.Healthy);
        Assert.Contains(before.Failures, f => f.Contains(WidgetCrd.Name, StringComparison.Ordinal));

        await cluster.Api.CreateAsync(WidgetCrd.Kind, WidgetCrd.Definition(), CancellationToken.None);
        await Eventually.TrueAsync(() => host.ReadinessAsync(CancellationToken.None).Result.Healthy, "ready once the CRD exists and the cache synced");

        var widget = new Widget { Metadata = new V1ObjectMeta { Name = "w", NamespaceProperty = cluster.Namespace }, Spec = new WidgetSpec { Size = 3 } };
        await cluster.Api.CreateAsync(AiOperator.ControllerRuntime.Client.ResourceKind.For<Widget>(), widget, CancellationToken.None);
        // The server logs a request after answering it, and the watch can deliver the write before that, and before
        // the reconcile that sent it returns and is counted: wait for all three.
        await Eventually.TrueAsync(
            () => widgets.Cache.Get(cluster.Namespace, "w")?.Status?.ObservedGeneration == 1 && StatusPatches(cluster) >= 1
                && cluster.Metrics.ReconcileTotal.Value("widget", "success") >= 1,
            "status written for generation 1");
        var first = widgets.Cache.Get(cluster.Namespace, "w")!.Status!;
        Assert.Equal(3, first.Size);
        Assert.Equal(1, StatusPatches(cluster));

        // A label change is a reason to reconcile (not only generation bumps), but nothing in status differs.
        var reconciles = cluster.Metrics.ReconcileTotal.Value("widget", "success");
        await cluster.Api.PatchAsync<Widget>(AiOperator.ControllerRuntime.Client.ResourceKind.For<Widget>(), cluster.Namespace, "w",
            new AiOperator.ControllerRuntime.Client.KubePatch(AiOperator.ControllerRuntime.Client.PatchType.Merge, """{"metadata":{"labels":{"team":"a"}}}"""), CancellationToken.None);
        await Eventually.TrueAsync(() => cluster.Metrics.ReconcileTotal.Value("widget", "success") > reconciles && widgets.Cache.Get(cluster.Namespace, "w")!.Metadata.Labels?.ContainsKey("team") == true, "reconciled after the label change");
        Assert.Equal(1, StatusPatches(cluster));

        // A spec change: generation 2, status follows, the condition keeps its transition time (still True).
        await cluster.Api.PatchAsync<Widget>(AiOperator.ControllerRuntime.Client.ResourceKind.For<Widget>(), cluster.Namespace, "w",
            new AiOperator.ControllerRuntime.Client.KubePatch(AiOperator.ControllerRuntime.Client.PatchType.Merge, """{"spec":{"size":5}}"""), CancellationToken.None);
        await Eventually.TrueAsync(
            () => widgets.Cache.Get(cluster.Namespace, "w")?.Status?.ObservedGeneration == 2 && StatusPatches(cluster) >= 2,
            "status written for generation 2");
        var second = widgets.Cache.Get(cluster.Namespace, "w")!.Status!;
        Assert.Equal(5, second.Size);
        Assert.Equal(first.Conditions![0].LastTransitionTime, second.Conditions![0].LastTransitionTime);
        Assert.Equal(2, second.Conditions[0].ObservedGeneration);
        Assert.Equal(2, StatusPatches(cluster));

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_status_computed_from_a_stale_copy_is_refused_with_a_conflict()
    {
        await using var cluster = await TestCluster.StartAsync();
        var kind = AiOperator.ControllerRuntime.Client.ResourceKind.For<Widget>();
        await cluster.Api.CreateAsync(WidgetCrd.Kind, WidgetCrd.Definition(), CancellationToken.None);
        var created = await Eventually.ValueAsync(
            () => cluster.Api.CreateAsync(kind, new Widget { Metadata = new V1ObjectMeta { Name = "w", NamespaceProperty = cluster.Namespace }, Spec = new WidgetSpec { Size = 1 } }, CancellationToken.None),
            "the widget kind is served");
        var writer = new StatusWriter(cluster.Api);
        var fresh = (await writer.UpdateAsync(created, new WidgetStatus { Size = 1, ObservedGeneration = 1 }, CancellationToken.None)).Object;

        // `created` is now stale: its status patch would only send what differs from its (empty) status.
        var conflict = await Assert.ThrowsAsync<AiOperator.ControllerRuntime.Client.KubeApiException>(
            () => writer.UpdateAsync(created, new WidgetStatus { Size = 2, ObservedGeneration = 1 }, CancellationToken.None));
        Assert.Equal(409, conflict.StatusCode);

        var patched = await writer.UpdateAsync(fresh, new WidgetStatus { Size = 2, ObservedGeneration = 1 }, CancellationToken.None);
        Assert.Equal(WriteOutcome.Patched, patched.Outcome);
        Assert.Equal(2, patched.Object.Status!.Size);
    }

    [Fact]
    public async Task Own_status_writes_are_not_reconciled_again_but_someone_elses_status_change_is()
    {
        await using var cluster = await TestCluster.StartAsync();
        var kind = AiOperator.ControllerRuntime.Client.ResourceKind.For<Widget>();
        var host = new ControllerHost(cluster.Api, new ControllerHostOptions { ProbePort = null, Namespaces = [cluster.Namespace] }, cluster.Metrics);
        var widgets = host.Informer<Widget>(new InformerOptions { Namespaces = [cluster.Namespace], ReconnectRate = 20, ReconnectBurst = 5 });
        var reconciler = new WidgetReconciler(widgets.Cache, host.Status);
        host.AddController<Widget>("widget", reconciler);
        host.RequireCrds(WidgetCrd.Name);
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);
        await cluster.Api.CreateAsync(WidgetCrd.Kind, WidgetCrd.Definition(), CancellationToken.None);
        await Eventually.TrueAsync(() => host.ReadinessAsync(CancellationToken.None).Result.Healthy, "ready once the CRD exists and the cache synced");

        await cluster.Api.CreateAsync(kind, new Widget { Metadata = new V1ObjectMeta { Name = "w", NamespaceProperty = cluster.Namespace }, Spec = new WidgetSpec { Size = 3 } }, CancellationToken.None);
        await Eventually.TrueAsync(() => widgets.Cache.Get(cluster.Namespace, "w")?.Status?.Size == 3, "status written");
        Assert.Equal(1, host.StatusEchoes.Count);

        // A label change as a barrier: one reconcile for the create, one for the label, none for the echo.
        await cluster.Api.PatchAsync<Widget>(kind, cluster.Namespace, "w",
            new AiOperator.ControllerRuntime.Client.KubePatch(AiOperator.ControllerRuntime.Client.PatchType.Merge, """{"metadata":{"labels":{"team":"a"}}}"""), CancellationToken.None);
        // The label's reconcile must be the second call: an echo reconciled in between would make it the third.
        await Eventually.TrueAsync(() => reconciler.LabelSeenAtCall > 0 && cluster.Metrics.ReconcileTotal.Value("widget", "success") >= 2,
            "reconciled after the label change");
        Assert.Equal(2, reconciler.LabelSeenAtCall);
        Assert.Equal(2, cluster.Metrics.ReconcileTotal.Value("widget", "success"));

        // Someone else rewrites the status: that is reconciled, and the controller puts its status back.
        await cluster.Api.PatchAsync<Widget>(kind, cluster.Namespace, "w",
            new AiOperator.ControllerRuntime.Client.KubePatch(AiOperator.ControllerRuntime.Client.PatchType.Merge, """{"status":{"size":99}}""", Subresource: "status"), CancellationToken.None);
        await Eventually.TrueAsync(() => StatusPatches(cluster) == 3 && widgets.Cache.Get(cluster.Namespace, "w")?.Status?.Size == 3, "the foreign status change undone");

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static int StatusPatches(TestCluster cluster) =>
        cluster.Server.Requests.Writes().Count(r => r.Resource == "widgets" && r.Subresource == "status");

    private sealed class WidgetReconciler(IResourceCache<Widget> widgets, StatusWriter status) : IReconciler
    {
        private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private int _calls;
        private int _labelSeenAtCall;

        /// <summary>The number of the first call that saw a "team" label on the widget; 0 until one did.</summary>
        public int LabelSeenAtCall => Volatile.Read(ref _labelSeenAtCall);

        public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            var widget = widgets.Get(key.Namespace, key.Name);
            if (widget is null)
            {
                return ReconcileResult.Done;
            }

            var call = Interlocked.Increment(ref _calls);
            if (widget.Metadata.Labels?.ContainsKey("team") == true)
            {
                Interlocked.CompareExchange(ref _labelSeenAtCall, call, 0);
            }

            // A clock that moves on every call: only a status flip may move lastTransitionTime.
            var now = Epoch.AddMinutes(call);
            var generation = widget.Metadata.Generation;
            var desired = new WidgetStatus
            {
                ObservedGeneration = generation,
                Size = widget.Spec.Size,
                Conditions = Conditions.Set(widget.Status?.Conditions, "Ready", true, "Sized", $"size {widget.Spec.Size}", generation, now),
            };
            await status.UpdateAsync(widget, desired, cancellationToken);
            return ReconcileResult.Done;
        }
    }
}
