using System.Net;
using AiOperator.LocalCluster.ApiServer;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

// Each test owns its server: faults are server-wide.
public sealed class FaultInjectorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static V1ConfigMap Cm(string name) => new() { Metadata = new V1ObjectMeta { Name = name } };

    [Fact]
    public async Task Errors_hit_only_the_matching_verb_and_resource_and_write_nothing()
    {
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var client = new Kubernetes(host.ClientConfiguration);
        host.Faults.AddErrors(1.0, 500, verb: "create", resource: "configmaps");

        var (code, status) = await ApiServerFixture.FailureAsync(() => client.CoreV1.CreateNamespacedConfigMapAsync(Cm("x"), "default"));
        Assert.Equal(500, code);
        Assert.Equal("InternalError", (string?)status["reason"]);
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "default");
        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync("default")).Items);
        Assert.Equal(1, host.Faults.InjectedErrors);

        host.Faults.Clear();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Cm("x"), "default");
    }

    [Fact]
    public async Task Throttling_answers_429_with_Retry_After()
    {
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var http = new HttpClient { BaseAddress = host.Url };
        var rule = host.Faults.AddErrors(1.0, 429, verb: "list", retryAfterSeconds: 2);
        using var response = await http.GetAsync(new Uri("/api/v1/namespaces/default/configmaps", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("TooManyRequests", (string?)body["reason"]);
        Assert.Equal(2, (int)body["details"]!["retryAfterSeconds"]!);

        host.Faults.Remove(rule);
        using var ok = await http.GetAsync(new Uri("/api/v1/namespaces/default/configmaps", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task A_fractional_rate_fails_about_that_share_of_writes()
    {
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions { FaultSeed = 42 });
        using var client = new Kubernetes(host.ClientConfiguration);
        host.Faults.AddErrors(0.1, 503, verb: "write");
        var failures = 0;
        for (var i = 0; i < 300; i++)
        {
            try
            {
                await client.CoreV1.CreateNamespacedConfigMapAsync(Cm($"c{i}"), "default");
            }
            catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                failures++;
            }
        }

        Assert.InRange(failures, 15, 50);
        Assert.Equal(300 - failures, (await client.CoreV1.ListNamespacedConfigMapAsync("default")).Items.Count);
    }

    [Fact]
    public async Task Added_latency_holds_requests_until_the_clock_moves()
    {
        var time = new FakeTimeProvider();
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions { TimeProvider = time });
        using var client = new Kubernetes(host.ClientConfiguration);
        var latency = TimeSpan.FromSeconds(5);
        host.Faults.AddLatency(latency, verb: "get");

        var request = client.CoreV1.ReadNamespaceAsync("default");
        var advanced = TimeSpan.Zero;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!request.IsCompleted && clock.Elapsed < Deadline)
        {
            await Task.WhenAny(request, Task.Delay(20));
            if (!request.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(500));
                advanced += TimeSpan.FromMilliseconds(500);
            }
        }

        Assert.Equal("default", (await request).Metadata.Name);
        Assert.True(advanced >= latency, $"request finished after only {advanced} of fake time");
    }

    [Fact]
    public async Task Dropping_watches_ends_open_streams_now_and_periodically()
    {
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var client = new Kubernetes(host.ClientConfiguration);

        async Task<Task> OpenWatchAsync()
        {
            var before = host.Requests.Snapshot().Count(r => r.Verb == "watch");
            var watch = Task.Run(async () =>
            {
                using var cts = new CancellationTokenSource(Deadline);
                await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync("default", allowWatchBookmarks: true, cancellationToken: cts.Token))
                {
                }
            });
            await Eventually.TrueAsync(() => host.Requests.Snapshot().Count(r => r.Verb == "watch") > before, "a new watch", Deadline);
            return watch;
        }

        var first = await OpenWatchAsync();
        await Eventually.TrueAsync(() => host.Store.WatcherCount == 1, "one watcher", Deadline);
        host.Faults.DropWatchesNow();
        await first.WaitAsync(Deadline);

        host.Faults.DropWatchesEvery(TimeSpan.FromMilliseconds(200));
        var second = await OpenWatchAsync();
        await second.WaitAsync(Deadline);
        var third = await OpenWatchAsync();
        await third.WaitAsync(Deadline);
        host.Faults.DropWatchesEvery(null);
    }

    [Fact]
    public async Task Forced_compaction_expires_older_resource_versions_for_watch_and_continue()
    {
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var client = new Kubernetes(host.ClientConfiguration);
        for (var i = 0; i < 4; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(Cm($"c{i}"), "default");
        }

        var page = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2);
        Assert.NotNull(page.Metadata.ContinueProperty);
        host.Faults.ForceCompaction();

        var (code, status) = await ApiServerFixture.FailureAsync(() => client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: page.Metadata.ContinueProperty));
        Assert.Equal(410, code);
        Assert.Equal("Expired", (string?)status["reason"]);

        Exception? error = null;
        using var cts = new CancellationTokenSource(Deadline);
        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: page.Metadata.ResourceVersion, onError: e => error = e, cancellationToken: cts.Token))
        {
            Assert.Fail("a compacted watch must not deliver events");
        }

        Assert.Equal(410, Assert.IsType<KubernetesException>(error).Status.Code);
        var fresh = await client.CoreV1.ListNamespacedConfigMapAsync("default");
        Assert.Equal(4, fresh.Items.Count);
    }
}
