using System.Collections.Concurrent;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Tests.Support;
using AiOperator.LocalCluster.ApiServer;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Informers;

// Informers against the local cluster's API server over real HTTP.
public sealed class InformerTests
{
    private static readonly InformerOptions Fast = new()
    {
        PageSize = 2,
        ReconnectRate = 50,
        ReconnectBurst = 5,
        MinWatchTimeout = TimeSpan.FromMinutes(5),
        MaxWatchTimeout = TimeSpan.FromMinutes(10),
    };

    [Fact]
    public async Task Lists_in_pages_then_follows_the_watch()
    {
        await using var cluster = await TestCluster.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync(cluster, $"cm{i}");
        }

        var log = new ListLogger();
        var informer = new Informer<V1ConfigMap>(cluster.Api, Fast with { Namespaces = [cluster.Namespace] }, metrics: cluster.Metrics, logger: log);
        var events = new ConcurrentQueue<InformerEvent<V1ConfigMap>>();
        informer.AddHandler(events.Enqueue);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(informer.HasSynced);
        Assert.Equal(5, informer.Cache.Count);
        Assert.Equal("ConfigMap", informer.Cache.Get(cluster.Namespace, "cm0")!.Kind);
        Assert.True(cluster.Metrics.RestRequests.Value("LIST", "200") >= 3, "5 objects at page size 2 take 3 pages");

        await CreateAsync(cluster, "cm5");
        await cluster.User.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"k":"changed"}}""", V1Patch.PatchType.MergePatch), "cm1", cluster.Namespace);
        await cluster.User.CoreV1.DeleteNamespacedConfigMapAsync("cm2", cluster.Namespace);

        // The cache drops cm2 before handlers run, so wait on the handler's view of the last change, then check both.
        await Eventually.TrueAsync(
            () => events.Any(e => e.Type == InformerEventType.Deleted && e.Object.Metadata.Name == "cm2"),
            "watch events handed to the handler " + log + cluster.Metrics.Registry.Render());
        Assert.Contains(events, e => e.Type == InformerEventType.Modified && e.Object.Metadata.Name == "cm1" && e.Previous?.Data["k"] == "v");
        Assert.NotNull(informer.Cache.Get(cluster.Namespace, "cm5"));
        Assert.Equal("changed", informer.Cache.Get(cluster.Namespace, "cm1")?.Data["k"]);
        Assert.Null(informer.Cache.Get(cluster.Namespace, "cm2"));
        Assert.True(informer.IsAlive(DateTimeOffset.UtcNow));

        var watch = cluster.Sent.Requests.First(u => u.Query.Contains("watch=true", StringComparison.Ordinal));
        var query = System.Web.HttpUtility.ParseQueryString(watch.Query);
        Assert.Equal("true", query["allowWatchBookmarks"]);
        Assert.InRange(int.Parse(query["timeoutSeconds"]!, System.Globalization.CultureInfo.InvariantCulture), 300, 600);
        Assert.False(string.IsNullOrEmpty(query["resourceVersion"]));
        Assert.Contains(cluster.Sent.Requests, u => u.Query.Contains("limit=2", StringComparison.Ordinal) && u.Query.Contains("continue=", StringComparison.Ordinal));

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_change_says_whether_the_owners_changed_and_the_previous_copy_shows_the_old_owner()
    {
        await using var cluster = await TestCluster.StartAsync();
        var informer = new Informer<V1ConfigMap>(cluster.Api, Fast with { Namespaces = [cluster.Namespace] }, metrics: cluster.Metrics);
        var events = new ConcurrentQueue<InformerEvent<V1ConfigMap>>();
        informer.AddHandler(events.Enqueue);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        // Owners that exist: the garbage collector removes a child whose owner does not.
        var a = await cluster.User.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "owner-a" } }, cluster.Namespace);
        var b = await cluster.User.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "owner-b" } }, cluster.Namespace);
        static V1OwnerReference Owner(V1ConfigMap owner) => new() { ApiVersion = "v1", Kind = "ConfigMap", Name = owner.Metadata.Name, Uid = owner.Metadata.Uid };
        var child = await cluster.User.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "child", OwnerReferences = [Owner(a)] } }, cluster.Namespace);
        child.Metadata.Labels = new Dictionary<string, string> { ["x"] = "1" };
        child = await cluster.User.CoreV1.ReplaceNamespacedConfigMapAsync(child, "child", cluster.Namespace);
        child.Metadata.OwnerReferences = [Owner(b)];
        await cluster.User.CoreV1.ReplaceNamespacedConfigMapAsync(child, "child", cluster.Namespace);
        await Eventually.TrueAsync(() => events.Count(e => e.Type == InformerEventType.Modified && e.Object.Metadata.Name == "child") >= 2, "both changes seen");

        var modified = events.Where(e => e.Type == InformerEventType.Modified && e.Object.Metadata.Name == "child").ToList();
        Assert.False(modified[0].OwnersMayHaveChanged);
        Assert.True(modified[1].OwnersMayHaveChanged);
        Assert.Equal(a.Metadata.Uid, modified[1].Previous!.Metadata.OwnerReferences.Single().Uid);
        Assert.Equal(b.Metadata.Uid, modified[1].Object.Metadata.OwnerReferences.Single().Uid);
        Assert.False(events.Single(e => e.Type == InformerEventType.Added && e.Object.Metadata.Name == "child").OwnersMayHaveChanged);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_dropped_watch_resumes_from_its_resource_version_without_relisting()
    {
        await using var cluster = await TestCluster.StartAsync();
        var informer = new Informer<V1ConfigMap>(cluster.Api, Fast with { Namespaces = [cluster.Namespace] }, metrics: cluster.Metrics);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        for (var i = 0; i < 3; i++)
        {
            cluster.Server.Faults.DropWatchesNow();
            await CreateAsync(cluster, $"after-drop-{i}");
            await Eventually.TrueAsync(() => informer.Cache.Get(cluster.Namespace, $"after-drop-{i}") is not null, $"object {i} seen after the drop");
        }

        Assert.Equal(1, cluster.Metrics.Relists.Value("configmaps"));
        Assert.True(cluster.Metrics.WatchRestarts.Value("configmaps", "closed") >= 1);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Compaction_while_disconnected_relists_and_emits_synthetic_deletes()
    {
        await using var cluster = await TestCluster.StartAsync();
        await CreateAsync(cluster, "keep");
        await CreateAsync(cluster, "doomed");
        var informer = new Informer<V1ConfigMap>(cluster.Api, Fast with { Namespaces = [cluster.Namespace] }, metrics: cluster.Metrics);
        var deletes = new ConcurrentQueue<string>();
        informer.AddHandler(e =>
        {
            if (e.Type == InformerEventType.Deleted)
            {
                deletes.Enqueue(e.Object.Metadata.Name);
            }
        });
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        // Keep the informer off the air while "doomed" is deleted and history is compacted away.
        var outage = cluster.Server.Faults.AddErrors(1.0, 503, verb: "watch", resource: "configmaps");
        cluster.Server.Faults.DropWatchesNow();
        await cluster.User.CoreV1.DeleteNamespacedConfigMapAsync("doomed", cluster.Namespace);
        await CreateAsync(cluster, "born-offline");
        cluster.Server.Faults.ForceCompaction();
        await Eventually.TrueAsync(() => cluster.Metrics.RestRequests.Value("WATCH", "503") >= 1, "informer tried to re-watch during the outage");
        cluster.Server.Faults.Remove(outage);

        await Eventually.TrueAsync(
            () => informer.Cache.Get(cluster.Namespace, "doomed") is null && informer.Cache.Get(cluster.Namespace, "born-offline") is not null,
            "relist brought the cache up to date");
        Assert.Equal(["doomed"], deletes.ToArray());
        Assert.Equal(2, cluster.Metrics.Relists.Value("configmaps"));
        Assert.True(cluster.Metrics.WatchRestarts.Value("configmaps", "expired") >= 1);
        Assert.NotNull(informer.Cache.Get(cluster.Namespace, "keep"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_silent_watch_is_restarted_by_the_idle_watchdog()
    {
        await using var cluster = await TestCluster.StartAsync(new ApiServerOptions { BookmarkInterval = TimeSpan.FromHours(1) });
        var log = new ListLogger();
        var informer = new Informer<V1ConfigMap>(cluster.Api, Fast with { Namespaces = [cluster.Namespace], IdleTimeout = TimeSpan.FromMilliseconds(500) }, metrics: cluster.Metrics, logger: log);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        await Eventually.TrueAsync(() => cluster.Metrics.WatchRestarts.Value("configmaps", "idle") >= 2, "watchdog restarted the quiet watch " + log);
        await CreateAsync(cluster, "still-watching");
        await Eventually.TrueAsync(() => informer.Cache.Get(cluster.Namespace, "still-watching") is not null, "events still arrive after restarts");
        Assert.Equal(1, cluster.Metrics.Relists.Value("configmaps"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Resync_hands_every_cached_object_to_handlers_again()
    {
        await using var cluster = await TestCluster.StartAsync();
        await CreateAsync(cluster, "a");
        await CreateAsync(cluster, "b");
        var informer = new Informer<V1ConfigMap>(cluster.Api, Fast with { Namespaces = [cluster.Namespace], ResyncPeriod = TimeSpan.FromMilliseconds(200) }, metrics: cluster.Metrics);
        var resynced = new ConcurrentDictionary<string, int>();
        informer.AddHandler(e =>
        {
            if (e.Type == InformerEventType.Resync)
            {
                resynced.AddOrUpdate(e.Object.Metadata.Name, 1, (_, n) => n + 1);
            }
        });
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => resynced.GetValueOrDefault("a") >= 2 && resynced.GetValueOrDefault("b") >= 2, "two resyncs of each key");
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Watches_only_the_given_namespaces_and_syncs_when_all_have_listed()
    {
        await using var cluster = await TestCluster.StartAsync();
        var second = $"{cluster.Namespace}-b";
        var outside = $"{cluster.Namespace}-c";
        foreach (var ns in new[] { second, outside })
        {
            await cluster.User.CoreV1.CreateNamespaceAsync(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } });
        }

        await CreateAsync(cluster, "one");
        await cluster.User.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "two", NamespaceProperty = second } }, second);
        await cluster.User.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "three", NamespaceProperty = outside } }, outside);
        var informer = new Informer<V1ConfigMap>(cluster.Api, Fast with { Namespaces = [cluster.Namespace, second] }, metrics: cluster.Metrics);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.NotNull(informer.Cache.Get(cluster.Namespace, "one"));
        Assert.NotNull(informer.Cache.Get(second, "two"));
        Assert.Null(informer.Cache.Get(outside, "three"));
        Assert.Empty(informer.Cache.List(outside));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Undecodable_objects_are_skipped_and_never_stall_the_watch()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.Api.CreateAsync(WidgetCrd.Kind, WidgetCrd.Definition(), CancellationToken.None);
        await CreateWidgetAsync(cluster, "bad-before", "\"not a number\"");
        await CreateWidgetAsync(cluster, "good-before", "1");
        var informer = new Informer<Widget>(cluster.Api, Fast with { Namespaces = [cluster.Namespace] }, metrics: cluster.Metrics);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.NotNull(informer.Cache.Get(cluster.Namespace, "good-before"));
        Assert.Equal(1, informer.Cache.Count);

        await CreateWidgetAsync(cluster, "bad-after", "[1]");
        await CreateWidgetAsync(cluster, "good-after", "2");
        await Eventually.TrueAsync(() => informer.Cache.Get(cluster.Namespace, "good-after") is not null, "the watch went on past the bad object");
        Assert.Equal(2, cluster.Metrics.DecodeErrors.Value("widgets"));
        Assert.Equal(1, cluster.Metrics.Relists.Value("widgets"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static Task<object> CreateWidgetAsync(TestCluster cluster, string name, string sizeJson) =>
        cluster.User.CustomObjects.CreateNamespacedCustomObjectAsync(
            System.Text.Json.Nodes.JsonNode.Parse($$$"""{"apiVersion":"{{{WidgetCrd.Group}}}/v1","kind":"Widget","metadata":{"name":"{{{name}}}"},"spec":{"size":{{{sizeJson}}}}}""")!,
            WidgetCrd.Group, "v1", cluster.Namespace, "widgets");

    private static Task<V1ConfigMap> CreateAsync(TestCluster cluster, string name) =>
        cluster.User.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = cluster.Namespace }, Data = new Dictionary<string, string> { ["k"] = "v" } },
            cluster.Namespace);
}
