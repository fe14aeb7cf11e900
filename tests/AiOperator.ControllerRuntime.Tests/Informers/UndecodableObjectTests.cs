using System.Text.Json.Nodes;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.ControllerRuntime.Tests.Fakes;
using AiOperator.ControllerRuntime.Tests.Support;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Informers;

// Objects the API server accepted but that do not decode into their type (the Widget CRD preserves
// unknown fields, so "size" may be anything): tracked by name, reported, removed on delete, never dropped.
public sealed class UndecodableObjectTests
{
    private static readonly InformerOptions Fast = new() { ReconnectRate = 50, ReconnectBurst = 5 };

    [Fact]
    public async Task An_undecodable_change_is_tracked_and_reported_and_its_delete_still_removes_the_object()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.Api.CreateAsync(WidgetCrd.Kind, WidgetCrd.Definition(), CancellationToken.None);
        await Eventually.ValueAsync(() => CreateAsync(cluster, "born-bad", "\"big\""), "CRD served");
        await CreateAsync(cluster, "w", "1");
        var informer = new Informer<Widget>(cluster.Api, Fast with { Namespaces = [cluster.Namespace] }, metrics: cluster.Metrics);
        var reported = new List<(string Name, string Field)>();
        var deleted = new List<string>();
        informer.AddUndecodableHandler((obj, failure) =>
        {
            lock (reported)
            {
                reported.Add((obj.Metadata.Name, failure.Field));
            }
        });
        informer.AddHandler(e =>
        {
            if (e.Type == InformerEventType.Deleted)
            {
                lock (deleted)
                {
                    deleted.Add(e.Object.Metadata.Name);
                }
            }
        });
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        // Listed: the bad one is known by name with the failing field, not silently missing.
        var bornBad = Assert.Single(informer.Undecodable);
        Assert.Equal(("born-bad", "spec.size"), (bornBad.Name, bornBad.Field));
        Assert.Equal(1, cluster.Metrics.UndecodableObjects.Value("widgets"));

        // A change that cannot be read: reported, and the last good version stays (no spurious delete).
        await PatchSizeAsync(cluster, "w", "\"x\"");
        // The failure is tracked first; the handler runs and the gauge is set after it, so wait on the last of them.
        await Eventually.TrueAsync(() => cluster.Metrics.UndecodableObjects.Value("widgets") >= 2, "w tracked as undecodable");
        Assert.Contains(informer.Undecodable, u => u.Name == "w");
        Assert.Equal(1, informer.Cache.Get(cluster.Namespace, "w")!.Spec.Size);
        Assert.Equal(2, cluster.Metrics.UndecodableObjects.Value("widgets"));
        lock (reported)
        {
            Assert.Equal([("born-bad", "spec.size"), ("w", "spec.size")], reported);
        }

        // Its delete arrives undecodable too: the object must leave the cache, or its children would be recreated forever.
        await cluster.User.CustomObjects.DeleteNamespacedCustomObjectAsync(WidgetCrd.Group, "v1", cluster.Namespace, "widgets", "w");
        // The cache drops the object before handlers run, so wait on the handler's view, then check both.
        await Eventually.TrueAsync(
            () =>
            {
                lock (deleted)
                {
                    return deleted.Count > 0;
                }
            },
            "Deleted event for w");
        lock (deleted)
        {
            Assert.Equal(["w"], deleted);
        }

        Assert.Null(informer.Cache.Get(cluster.Namespace, "w"));

        Assert.DoesNotContain(informer.Undecodable, u => u.Name == "w");

        // Fixed: readable again, no longer tracked.
        await PatchSizeAsync(cluster, "born-bad", "3");
        await Eventually.TrueAsync(() => informer.Cache.Get(cluster.Namespace, "born-bad")?.Spec.Size == 3, "born-bad decoded once fixed");
        Assert.Empty(informer.Undecodable);
        Assert.Equal(0, cluster.Metrics.UndecodableObjects.Value("widgets"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_host_reports_an_undecodable_object_with_a_warning_event_naming_the_field()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.Api.CreateAsync(WidgetCrd.Kind, WidgetCrd.Definition(), CancellationToken.None);
        await Eventually.ValueAsync(() => CreateAsync(cluster, "bad", "[1]"), "CRD served");
        var host = new ControllerHost(cluster.Api, new ControllerHostOptions { ProbePort = null, Namespaces = [cluster.Namespace] }, cluster.Metrics);
        host.AddController<Widget>("widgets", new DelegateReconciler((_, _) => Task.FromResult(ReconcileResult.Done)));
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);

        await Eventually.TrueAsync(
            async () => (await cluster.User.CoreV1.ListNamespacedEventAsync(cluster.Namespace)).Items.Any(e =>
                e.Reason == "DecodeFailed" && e.Type == "Warning" && e.InvolvedObject.Name == "bad" && e.InvolvedObject.Kind == "Widget"
                && e.Message.Contains("spec.size", StringComparison.Ordinal)),
            "DecodeFailed event on the widget naming spec.size");
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static Task<object> CreateAsync(TestCluster cluster, string name, string sizeJson) =>
        cluster.User.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse($$$"""{"apiVersion":"{{{WidgetCrd.Group}}}/v1","kind":"Widget","metadata":{"name":"{{{name}}}"},"spec":{"size":{{{sizeJson}}}}}""")!,
            WidgetCrd.Group, "v1", cluster.Namespace, "widgets");

    private static Task<object> PatchSizeAsync(TestCluster cluster, string name, string sizeJson) =>
        cluster.User.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch($$$"""{"spec":{"size":{{{sizeJson}}}}}""", V1Patch.PatchType.MergePatch), WidgetCrd.Group, "v1", cluster.Namespace, "widgets", name);
}
