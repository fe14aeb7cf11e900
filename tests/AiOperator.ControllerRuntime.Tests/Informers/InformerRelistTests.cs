using System.Collections.Concurrent;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Tests.Fakes;
using AiOperator.ControllerRuntime.Tests.Support;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Informers;

// The informer's list/watch state machine driven by a scripted API.
public sealed class InformerRelistTests
{
    private static readonly InformerOptions Options = new() { PageSize = 1, ReconnectRate = 1000, ReconnectBurst = 100, ResyncPeriod = TimeSpan.Zero };

    [Fact]
    public async Task An_expired_continue_token_restarts_the_list_from_the_first_page()
    {
        var api = new ScriptedKubeApi();
        api.Lists.Enqueue(_ => Page("10", "c1", Cm("a", "1")));
        api.Lists.Enqueue(_ => Gone());
        api.Lists.Enqueue(_ => Page("20", "c2", Cm("a", "1")));
        api.Lists.Enqueue(_ => Page("20", null, Cm("b", "2")));
        var informer = new Informer<V1ConfigMap>(api, Options);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => api.Log.Contains("WATCH rv=20"), "watch starts from the restarted list's version");

        Assert.Equal(["LIST continue=", "LIST continue=c1", "LIST continue=", "LIST continue=c2", "WATCH rv=20"], api.Log.ToArray());
        Assert.Equal(2, informer.Cache.Count);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_expired_watch_relists_and_a_bookmark_moves_the_resume_point()
    {
        var api = new ScriptedKubeApi();
        var metrics = new ControllerMetrics();
        api.Lists.Enqueue(_ => Page("10", null, Cm("a", "5"), Cm("b", "6")));
        api.Watches.Enqueue(_ => [Event(WatchEventType.Modified, Cm("a", "11")), Event(WatchEventType.Bookmark, Cm("", "15"))]);
        api.Watches.Enqueue(_ => [new KubeApiException("WATCH", "configmaps", 410, new V1Status { Code = 410, Reason = "Expired" })]);
        api.Lists.Enqueue(_ => Page("30", null, Cm("a", "11"), Cm("c", "29")));
        var informer = new Informer<V1ConfigMap>(api, Options, metrics: metrics);
        var seen = new ConcurrentQueue<string>();
        informer.AddHandler(e => seen.Enqueue($"{e.Type} {e.Object.Metadata.Name}"));
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => api.Log.Contains("WATCH rv=30"), "watch resumes after the relist");

        Assert.Equal(["LIST continue=", "WATCH rv=10", "WATCH rv=15", "LIST continue=", "WATCH rv=30"], api.Log.ToArray());
        Assert.Equal(["Added a", "Added b", "Modified a", "Deleted b", "Added c"], seen.ToArray());
        Assert.Equal(2, metrics.Relists.Value("configmaps"));
        Assert.Equal(1, metrics.WatchRestarts.Value("configmaps", "expired"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_watch_from_a_version_the_server_has_not_reached_relists_instead_of_asking_again()
    {
        var api = new ScriptedKubeApi();
        var metrics = new ControllerMetrics();
        api.Lists.Enqueue(_ => Page("10", null, Cm("a", "5")));
        var tooLarge = new V1Status
        {
            Code = 504,
            Reason = "Timeout",
            Message = "Timeout: Too large resource version: 10, current: 4",
            Details = new V1StatusDetails { Causes = [new V1StatusCause { Reason = "ResourceVersionTooLarge", Message = "Too large resource version" }] },
        };
        api.Watches.Enqueue(_ => [new KubeApiException("WATCH", "configmaps", 504, tooLarge)]);
        api.Lists.Enqueue(_ => Page("4", null, Cm("a", "3")));
        var informer = new Informer<V1ConfigMap>(api, Options, metrics: metrics);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => api.Log.Contains("WATCH rv=4"), "watch resumes from the fresh list");

        Assert.Equal(["LIST continue=", "WATCH rv=10", "LIST continue=", "WATCH rv=4"], api.Log.ToArray());
        Assert.Equal(1, metrics.WatchRestarts.Value("configmaps", "too-large-resource-version"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Other_watch_errors_rewatch_from_the_last_version_without_relisting()
    {
        var api = new ScriptedKubeApi();
        var metrics = new ControllerMetrics();
        api.Lists.Enqueue(_ => new KubeApiException("LIST", "configmaps", 500, null));
        api.Lists.Enqueue(_ => Page("10", null, Cm("a", "5")));
        api.Watches.Enqueue(_ => [Event(WatchEventType.Added, Cm("b", "12")), new KubeApiException("WATCH", "configmaps", 500, new V1Status { Code = 500, Reason = "InternalError" })]);
        api.Watches.Enqueue(_ => [new HttpRequestException("connection reset")]);
        var informer = new Informer<V1ConfigMap>(api, Options, metrics: metrics);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => api.Log.Count(l => l == "WATCH rv=12") == 2, "two re-watches from the last seen version");

        Assert.Equal(["LIST continue=", "LIST continue=", "WATCH rv=10", "WATCH rv=12", "WATCH rv=12"], api.Log.ToArray());
        Assert.Equal(2, informer.Cache.Count);
        Assert.Equal(2, metrics.Relists.Value("configmaps")); // the failed first list and its retry; none after
        Assert.Equal(3, metrics.WatchRestarts.Value("configmaps", "error"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static KubeList<V1ConfigMap> Page(string rv, string? next, params V1ConfigMap[] items) => new(items, rv, next);

    private static KubeApiException Gone() => new("LIST", "configmaps", 410, new V1Status { Code = 410, Reason = "Expired" });

    private static WatchEvent<V1ConfigMap> Event(WatchEventType type, V1ConfigMap cm) => new(type, cm, cm.Metadata.ResourceVersion);

    private static V1ConfigMap Cm(string name, string rv) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns", ResourceVersion = rv, Uid = $"uid-{name}" },
    };
}
