using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

public sealed class ListWatchTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private Kubernetes Client => fixture.Client;

    private async Task SeedAsync(string ns)
    {
        var specs = new (string Name, string App, string? Tier)[] { ("a", "web", "front"), ("b", "web", "back"), ("c", "db", "back"), ("d", "cache", null) };
        foreach (var (name, app, tier) in specs)
        {
            var labels = new Dictionary<string, string> { ["app"] = app };
            if (tier is not null)
            {
                labels["tier"] = tier;
            }

            await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, ns);
        }
    }

    private async Task<List<string>> NamesAsync(string ns, string? labels = null, string? fields = null) =>
        (await Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: labels, fieldSelector: fields)).Items.Select(i => i.Metadata.Name).ToList();

    [Fact]
    public async Task Label_selectors_support_equality_sets_and_existence()
    {
        var ns = await fixture.NewNamespaceAsync();
        await SeedAsync(ns);
        Assert.Equal(["a", "b"], await NamesAsync(ns, "app=web"));
        Assert.Equal(["c", "d"], await NamesAsync(ns, "app!=web"));
        Assert.Equal(["a", "b", "c"], await NamesAsync(ns, "app in (web, db)"));
        Assert.Equal(["d"], await NamesAsync(ns, "app notin (web,db)"));
        Assert.Equal(["d"], await NamesAsync(ns, "!tier"));
        Assert.Equal(["a", "b", "c"], await NamesAsync(ns, "tier"));
        Assert.Equal(["b"], await NamesAsync(ns, "app=web,tier=back"));
    }

    [Fact]
    public async Task Field_selectors_filter_by_name_and_pod_fields_and_reject_unknown_fields()
    {
        var ns = await fixture.NewNamespaceAsync();
        await SeedAsync(ns);
        Assert.Equal(["c"], await NamesAsync(ns, fields: "metadata.name=c"));
        Assert.Equal(["a", "b", "d"], await NamesAsync(ns, fields: "metadata.name!=c"));

        await Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("p1", "node-1"), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("p2", null), ns);
        var onNode = await Client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "spec.nodeName=node-1");
        Assert.Equal(["p1"], onNode.Items.Select(p => p.Metadata.Name));
        var unscheduled = await Client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "spec.nodeName=");
        Assert.Equal(["p2"], unscheduled.Items.Select(p => p.Metadata.Name));
        var pending = await Client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: "status.phase=Pending");
        Assert.Equal(2, pending.Items.Count);

        var (code, status) = await ApiServerFixture.FailureAsync(() => Client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "data.k=1"));
        Assert.Equal(400, code);
        Assert.Contains("data.k", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paging_with_limit_and_continue_returns_every_item_once()
    {
        var ns = await fixture.NewNamespaceAsync();
        for (var i = 0; i < 7; i++)
        {
            await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"cm-{i}" } }, ns);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 3, continueParameter: token);
            seen.AddRange(page.Items.Select(i => i.Metadata.Name));
            token = page.Metadata.ContinueProperty;
            if (token is not null)
            {
                Assert.Equal(7 - seen.Count, page.Metadata.RemainingItemCount);
            }

            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"cm-{i}"), seen);
    }

    [Fact]
    public async Task Watch_from_zero_replays_current_state_then_streams_changes_and_bookmarks()
    {
        var ns = await fixture.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "before" } }, ns);
        var events = new ConcurrentQueue<(WatchEventType Type, V1ConfigMap Obj)>();
        using var cts = new CancellationTokenSource(Deadline);
        var watch = Task.Run(async () =>
        {
            await foreach (var (type, obj) in Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: "0", allowWatchBookmarks: true, cancellationToken: cts.Token))
            {
                events.Enqueue((type, obj));
            }
        });

        await Eventually.TrueAsync(() => events.Any(e => e.Type == WatchEventType.Added && e.Obj.Metadata.Name == "before"), "ADDED before", Deadline);
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after" } }, ns);
        created.Data = new Dictionary<string, string> { ["x"] = "y" };
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "after", ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("after", ns);
        await Eventually.TrueAsync(() => events.Any(e => e.Type == WatchEventType.Deleted), "DELETED", Deadline);
        await Eventually.TrueAsync(() => events.Any(e => e.Type == WatchEventType.Bookmark), "BOOKMARK", Deadline);
        await cts.CancelAsync();
        await Task.WhenAny(watch, Task.Delay(Deadline));

        var afterEvents = events.Where(e => e.Obj.Metadata?.Name == "after").Select(e => e.Type).ToList();
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], afterEvents);
        var versions = events.Where(e => e.Type != WatchEventType.Bookmark).Select(e => long.Parse(e.Obj.Metadata.ResourceVersion)).ToList();
        Assert.Equal(versions.Order(), versions);
        var bookmark = events.First(e => e.Type == WatchEventType.Bookmark);
        Assert.False(string.IsNullOrEmpty(bookmark.Obj.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Watch_from_a_resourceVersion_sends_only_later_events()
    {
        var ns = await fixture.NewNamespaceAsync();
        var first = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "one" } }, ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "two" } }, ns);

        var names = new ConcurrentQueue<string>();
        using var cts = new CancellationTokenSource(Deadline);
        var watch = Task.Run(async () =>
        {
            await foreach (var (_, obj) in Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: first.Metadata.ResourceVersion, cancellationToken: cts.Token))
            {
                names.Enqueue(obj.Metadata.Name);
            }
        });
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "three" } }, ns);
        await Eventually.TrueAsync(() => names.Contains("three"), "three", Deadline);
        await cts.CancelAsync();
        await Task.WhenAny(watch, Task.Delay(Deadline));
        Assert.Equal(["two", "three"], names.ToList());
    }

    [Fact]
    public async Task Label_filtered_watch_turns_selector_transitions_into_added_and_deleted()
    {
        var ns = await fixture.NewNamespaceAsync();
        var events = new ConcurrentQueue<(WatchEventType Type, string Name)>();
        using var cts = new CancellationTokenSource(Deadline);
        var watch = Task.Run(async () =>
        {
            await foreach (var (type, obj) in Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, labelSelector: "app=web", cancellationToken: cts.Token))
            {
                events.Enqueue((type, obj.Metadata.Name));
            }
        });
        await Eventually.TrueAsync(() => fixture.Host.Requests.Snapshot().Any(r => r.Verb == "watch" && r.Namespace == ns), "watch request", Deadline);
        var cm = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "moving", Labels = new Dictionary<string, string> { ["app"] = "db" } } }, ns);
        cm.Metadata.Labels["app"] = "web";
        cm = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "moving", ns);
        cm.Metadata.Labels["app"] = "db";
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "moving", ns);
        await Eventually.TrueAsync(() => events.Count >= 2, "two events", Deadline);
        await cts.CancelAsync();
        await Task.WhenAny(watch, Task.Delay(Deadline));
        Assert.Equal([(WatchEventType.Added, "moving"), (WatchEventType.Deleted, "moving")], events.ToList());
    }

    [Fact]
    public async Task A_compacted_resourceVersion_answers_410_Expired_and_a_relist_recovers()
    {
        await using var host = await AiOperator.LocalCluster.ApiServer.ApiServerHost.StartAsync(new AiOperator.LocalCluster.ApiServer.ApiServerOptions { EventHistorySize = 16 });
        using var client = new Kubernetes(host.ClientConfiguration);
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "old" } }, "default");
        for (var i = 0; i < 40; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"n{i}" } }, "default");
        }

        Exception? error = null;
        using var cts = new CancellationTokenSource(Deadline);
        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: first.Metadata.ResourceVersion, onError: e => error = e, cancellationToken: cts.Token))
        {
            Assert.Fail("no event may arrive from a compacted resourceVersion");
        }

        var kubeError = Assert.IsType<KubernetesException>(error);
        Assert.Equal(410, kubeError.Status.Code);
        Assert.Equal("Expired", kubeError.Status.Reason);

        var relist = await client.CoreV1.ListNamespacedConfigMapAsync("default");
        Assert.Equal(41, relist.Items.Count);
        var names = new ConcurrentQueue<string>();
        using var cts2 = new CancellationTokenSource(Deadline);
        var watch = Task.Run(async () =>
        {
            await foreach (var (_, obj) in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: relist.Metadata.ResourceVersion, cancellationToken: cts2.Token))
            {
                names.Enqueue(obj.Metadata.Name);
            }
        });
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "fresh" } }, "default");
        await Eventually.TrueAsync(() => names.Contains("fresh"), "fresh", Deadline);
        await cts2.CancelAsync();
        await Task.WhenAny(watch, Task.Delay(Deadline));
    }

    [Fact]
    public async Task Watch_with_timeoutSeconds_ends_the_stream()
    {
        var ns = await fixture.NewNamespaceAsync();
        using var cts = new CancellationTokenSource(Deadline);
        var types = new List<WatchEventType>();
        await foreach (var (type, _) in Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, timeoutSeconds: 1, allowWatchBookmarks: true, cancellationToken: cts.Token))
        {
            types.Add(type);
        }

        Assert.False(cts.IsCancellationRequested, "the server should have closed the watch after timeoutSeconds");
        Assert.NotEmpty(types);
        Assert.All(types, t => Assert.Equal(WatchEventType.Bookmark, t));

        // Without bookmarks and events the body is simply empty once the timeout passes.
        using var raw = await fixture.Http.GetAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps?watch=true&timeoutSeconds=1", UriKind.Relative), cts.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal("", await raw.Content.ReadAsStringAsync(cts.Token));
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("False", false)]
    [InlineData("0", false)]
    public async Task Query_booleans_are_read_as_kube_apiserver_reads_them(string value, bool watches)
    {
        // The Python client sends watch=True; kube-apiserver treats every value but 0/false as true.
        var ns = await fixture.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "one" } }, ns);
        using var cts = new CancellationTokenSource(Deadline);
        using var raw = await fixture.Http.GetAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps?watch={value}&timeoutSeconds=1&allowWatchBookmarks=False", UriKind.Relative), cts.Token);
        var body = await raw.Content.ReadAsStringAsync(cts.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, raw.StatusCode);
        if (watches)
        {
            var line = Assert.Single(body.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("\"type\":\"ADDED\"", line, StringComparison.Ordinal);
            Assert.Contains(created.Metadata.Uid, line, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("\"kind\":\"ConfigMapList\"", body, StringComparison.Ordinal);
        }
    }

    private async Task<(int Code, System.Text.Json.Nodes.JsonObject Body)> GetJsonAsync(string path)
    {
        using var cts = new CancellationTokenSource(Deadline);
        using var response = await fixture.Http.GetAsync(new Uri(path, UriKind.Relative), cts.Token);
        return ((int)response.StatusCode, System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(cts.Token))!.AsObject());
    }

    [Fact]
    public async Task ResourceVersionMatch_needs_a_resourceVersion_and_a_newer_one_than_the_server_has_is_504()
    {
        var ns = await fixture.NewNamespaceAsync();
        var (code, status) = await GetJsonAsync($"/api/v1/namespaces/{ns}/configmaps?resourceVersionMatch=NotOlderThan");
        Assert.Equal(422, code);
        Assert.Equal("ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided", (string?)status["message"]);

        (code, status) = await GetJsonAsync($"/api/v1/namespaces/{ns}/configmaps?resourceVersion=1&resourceVersionMatch=Latest");
        Assert.Equal(422, code);
        Assert.Equal("resourceVersionMatch", (string?)status["details"]!["causes"]![0]!["field"]);

        var future = fixture.Host.Store.CurrentResourceVersion + 1000;
        (code, status) = await GetJsonAsync($"/api/v1/namespaces/{ns}/configmaps?resourceVersion={future}&resourceVersionMatch=NotOlderThan");
        Assert.Equal(504, code);
        Assert.Equal("Timeout", (string?)status["reason"]);
        Assert.StartsWith($"Timeout: Too large resource version: {future}, current: ", (string?)status["message"], StringComparison.Ordinal);
        Assert.Equal("ResourceVersionTooLarge", (string?)status["details"]!["causes"]![0]!["reason"]);
        Assert.Equal(1, (int?)status["details"]!["retryAfterSeconds"]);
        (code, _) = await GetJsonAsync($"/api/v1/namespaces/{ns}/configmaps?resourceVersion={future}");
        Assert.Equal(504, code);
    }

    [Fact]
    public async Task A_watch_from_a_resourceVersion_the_server_has_not_reached_is_504()
    {
        var ns = await fixture.NewNamespaceAsync();
        var future = fixture.Host.Store.CurrentResourceVersion + 1000;

        var (code, status) = await GetJsonAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={future}");

        Assert.Equal(504, code);
        Assert.StartsWith($"Timeout: Too large resource version: {future}, current: ", (string?)status["message"], StringComparison.Ordinal);
        Assert.Equal(1, (int?)status["details"]!["retryAfterSeconds"]);
    }

    [Fact]
    public async Task An_exact_list_is_the_state_at_that_resourceVersion_until_it_is_compacted()
    {
        await using var host = await AiOperator.LocalCluster.ApiServer.ApiServerHost.StartAsync(new AiOperator.LocalCluster.ApiServer.ApiServerOptions { EventHistorySize = 16 });
        using var client = new Kubernetes(host.ClientConfiguration);
        using var http = new HttpClient { BaseAddress = host.Url };
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" }, Data = new Dictionary<string, string> { ["v"] = "1" } }, "default");
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "b" } }, "default");
        var at = (await client.CoreV1.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"v":"2"}}""", V1Patch.PatchType.MergePatch), "a", "default");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("b", "default");
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, "default");

        var exact = await client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: at, resourceVersionMatch: "Exact");
        Assert.Equal(at, exact.Metadata.ResourceVersion);
        Assert.Equal(["a", "b"], exact.Items.Select(i => i.Metadata.Name));
        Assert.Equal("1", exact.Items[0].Data["v"]);
        Assert.Equal(["a", "c"], (await client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: at, resourceVersionMatch: "NotOlderThan")).Items.Select(i => i.Metadata.Name));

        for (var i = 0; i < 20; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"n{i}" } }, "default");
        }

        using var response = await http.GetAsync(new Uri($"/api/v1/namespaces/default/configmaps?resourceVersion={at}&resourceVersionMatch=Exact", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("The resourceVersion for the provided list is too old.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_watch_list_ends_its_initial_events_with_an_annotated_bookmark()
    {
        var ns = await fixture.NewNamespaceAsync();
        await SeedAsync(ns);
        using var cts = new CancellationTokenSource(Deadline);
        using var response = await fixture.Http.GetAsync(
            new Uri($"/api/v1/namespaces/{ns}/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1", UriKind.Relative), cts.Token);
        var lines = (await response.Content.ReadAsStringAsync(cts.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        Assert.Equal(["ADDED", "ADDED", "ADDED", "ADDED", "BOOKMARK"], lines.Take(5).Select(l => (string?)l["type"]));
        var end = lines[4]["object"]!["metadata"]!;
        Assert.Equal("true", (string?)end["annotations"]!["k8s.io/initial-events-end"]);
        Assert.True(long.Parse((string)end["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture) >= lines.Take(4).Max(l => long.Parse((string)l["object"]!["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(lines.Skip(5), l => Assert.Null(l["object"]!["metadata"]!["annotations"]));

        var (code, status) = await GetJsonAsync($"/api/v1/namespaces/{ns}/configmaps?watch=1&sendInitialEvents=true");
        Assert.Equal(422, code);
        Assert.Contains("sendInitialEvents requires setting resourceVersionMatch to NotOlderThan", (string?)status["message"], StringComparison.Ordinal);
    }
}
