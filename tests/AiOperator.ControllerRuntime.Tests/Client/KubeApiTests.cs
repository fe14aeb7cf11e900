using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Tests.Support;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Client;

// The REST client and its Polly pipeline against the local API server with injected faults.
public sealed class KubeApiTests
{
    private static readonly ResourceKind ConfigMaps = ResourceKind.For<V1ConfigMap>();

    [Fact]
    public async Task Injected_500s_are_retried_until_the_server_recovers()
    {
        await using var cluster = await TestCluster.StartAsync();
        var outage = cluster.Server.Faults.AddErrors(1.0, 500, verb: "create", resource: "configmaps");

        var create = cluster.Api.CreateAsync(ConfigMaps, ConfigMap(cluster, "retried"), CancellationToken.None);
        await Eventually.TrueAsync(() => cluster.Metrics.RestRequests.Value("POST", "500") >= 2, "two failed attempts");
        cluster.Server.Faults.Remove(outage);
        var created = await create.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("retried", created.Metadata.Name);
        Assert.Equal(1, cluster.Metrics.RestRequests.Value("POST", "201"));
        Assert.Single(cluster.Server.Requests.Writes(), r => r.StatusCode == 201 && r.Resource == "configmaps");
    }

    [Fact]
    public async Task A_429_waits_for_the_servers_Retry_After()
    {
        await using var cluster = await TestCluster.StartAsync();
        var throttle = cluster.Server.Faults.AddErrors(1.0, 429, verb: "create", resource: "configmaps", retryAfterSeconds: 1);

        var create = cluster.Api.CreateAsync(ConfigMaps, ConfigMap(cluster, "throttled"), CancellationToken.None);
        await Eventually.TrueAsync(() => cluster.Metrics.RestRequests.Value("POST", "429") >= 1, "first attempt throttled");
        cluster.Server.Faults.Remove(throttle);
        await create.WaitAsync(TimeSpan.FromSeconds(20));

        var attempts = cluster.Server.Requests.Writes().Where(r => r.Resource == "configmaps").OrderBy(r => r.Time).ToList();
        var lastThrottled = attempts.Last(r => r.StatusCode == 429);
        var success = attempts.Single(r => r.StatusCode == 201);
        Assert.True(success.Time - lastThrottled.Time >= TimeSpan.FromMilliseconds(900), $"retried after {success.Time - lastThrottled.Time}, before Retry-After");
    }

    [Fact]
    public async Task A_conflict_is_returned_at_once_not_retried()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.Api.CreateAsync(ConfigMaps, ConfigMap(cluster, "dup"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<KubeApiException>(() => cluster.Api.CreateAsync(ConfigMaps, ConfigMap(cluster, "dup"), CancellationToken.None));

        Assert.True(error.IsConflict);
        Assert.Equal(1, cluster.Metrics.RestRequests.Value("POST", "409"));
    }

    [Fact]
    public async Task Get_of_a_missing_object_is_null_and_delete_of_it_is_false()
    {
        await using var cluster = await TestCluster.StartAsync();

        Assert.Null(await cluster.Api.GetAsync<V1ConfigMap>(ConfigMaps, cluster.Namespace, "nope", CancellationToken.None));
        Assert.False(await cluster.Api.DeleteAsync(ConfigMaps, cluster.Namespace, "nope", "Background", CancellationToken.None));
    }

    [Fact]
    public async Task Merge_patch_and_server_side_apply_reach_the_server()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.Api.CreateAsync(ConfigMaps, ConfigMap(cluster, "p"), CancellationToken.None);

        var merged = await cluster.Api.PatchAsync<V1ConfigMap>(ConfigMaps, cluster.Namespace, "p", new KubePatch(PatchType.Merge, """{"data":{"b":"2"}}"""), CancellationToken.None);
        var applied = await cluster.Api.PatchAsync<V1ConfigMap>(
            ConfigMaps, cluster.Namespace, "applied",
            new KubePatch(PatchType.Apply, $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied","namespace":"{{{cluster.Namespace}}}"},"data":{"x":"y"}}""", FieldManager: "aioperator", Force: true),
            CancellationToken.None);

        Assert.Equal("2", merged.Data["b"]);
        Assert.Equal("v", merged.Data["a"]);
        Assert.Equal("y", applied.Data["x"]);
    }

    [Fact]
    public async Task A_hung_request_times_out_per_attempt_and_is_retried()
    {
        await using var cluster = await TestCluster.StartAsync(apiOptions: new KubeApiOptions
        {
            RequestTimeout = TimeSpan.FromMilliseconds(300),
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            MaxRetries = 20,
        });
        var seed = ConfigMap(cluster, "slow");
        seed.ApiVersion = "v1";
        seed.Kind = "ConfigMap";
        await cluster.User.CoreV1.CreateNamespacedConfigMapAsync(seed, cluster.Namespace);
        var stall = cluster.Server.Faults.AddLatency(TimeSpan.FromSeconds(5), verb: "get", resource: "configmaps");

        var get = cluster.Api.GetAsync<V1ConfigMap>(ConfigMaps, cluster.Namespace, "slow", CancellationToken.None);
        await Eventually.TrueAsync(() => cluster.Metrics.RestRequests.Value("GET", "<error>") >= 1, "an attempt timed out");
        cluster.Server.Faults.Remove(stall);
        var found = await get.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("slow", found!.Metadata.Name);
        Assert.True(cluster.Metrics.RestRequests.Value("GET", "200") >= 1);
    }

    [Fact]
    public async Task Lists_and_watches_for_caches_skip_managed_fields_and_a_get_keeps_them()
    {
        await using var cluster = await TestCluster.StartAsync();
        var created = await cluster.Api.CreateAsync(ConfigMaps, ConfigMap(cluster, "m"), CancellationToken.None);
        Assert.NotEmpty(created.Metadata.ManagedFields);

        var list = await cluster.Api.ListAsync<V1ConfigMap>(ConfigMaps, cluster.Namespace, new ListRequest(), CancellationToken.None);
        var listed = Assert.Single(list.Items, c => c.Metadata.Name == "m");
        Assert.Equal("v", listed.Data["a"]);
        Assert.Null(listed.Metadata.ManagedFields);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var events = cluster.Api.WatchAsync<V1ConfigMap>(ConfigMaps, cluster.Namespace, new WatchRequest(list.ResourceVersion, 60), stop.Token).GetAsyncEnumerator(stop.Token);
        await cluster.Api.PatchAsync<V1ConfigMap>(ConfigMaps, cluster.Namespace, "m", new KubePatch(PatchType.Merge, """{"data":{"b":"2"}}"""), CancellationToken.None);
        do
        {
            Assert.True(await events.MoveNextAsync());
        }
        while (events.Current.Type == WatchEventType.Bookmark);

        Assert.Equal(WatchEventType.Modified, events.Current.Type);
        Assert.Equal("2", events.Current.Object.Data["b"]);
        Assert.Null(events.Current.Object.Metadata.ManagedFields);

        var read = await cluster.Api.GetAsync<V1ConfigMap>(ConfigMaps, cluster.Namespace, "m", CancellationToken.None);
        Assert.NotEmpty(read!.Metadata.ManagedFields);
    }

    private static V1ConfigMap ConfigMap(TestCluster cluster, string name) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = cluster.Namespace }, Data = new Dictionary<string, string> { ["a"] = "v" } };
}
