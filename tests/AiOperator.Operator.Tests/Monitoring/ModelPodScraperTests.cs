using System.Net;
using System.Text;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.Operator.ModelDeployments;
using AiOperator.Operator.Monitoring;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.Operator.Tests.Monitoring;

public sealed class ModelPodScraperTests
{
    private const string Body = """
        nv_inference_request_success{model="m",version="1"} 10
        nv_inference_request_failure{model="m",version="1"} 0
        aiop_inflight_requests{model="m",version="1"} 2
        aiop_model_ready{model="m",version="1"} 1
        """;

    [Fact]
    public async Task Scrapes_running_pods_by_ip_and_port_and_skips_pods_without_an_address()
    {
        var handler = new FakePods { ["10.0.0.1"] = _ => Ok(Body), ["10.0.0.2"] = _ => Ok(Body) };
        var (scraper, store, _, _) = NewScraper(handler, Pod("a", "10.0.0.1"), Pod("b", "10.0.0.2"), Pod("pending", null, phase: "Pending"), Pod("noip", null));

        var round = await scraper.ScrapeOnceAsync(CancellationToken.None);

        Assert.Equal((2, 0), (round.Scraped, round.Failed));
        Assert.Equal(["http://10.0.0.1:8080/metrics", "http://10.0.0.2:8080/metrics"], handler.Requested.Order(StringComparer.Ordinal));
        Assert.Equal(2, store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(10))!.PodsScraped);
    }

    [Fact]
    public async Task A_failing_pod_is_counted_and_never_stops_the_round()
    {
        var handler = new FakePods
        {
            ["10.0.0.1"] = _ => throw new HttpRequestException("connection refused"),
            ["10.0.0.2"] = _ => new HttpResponseMessage(HttpStatusCode.InternalServerError),
            ["10.0.0.3"] = _ => Ok("nv_inference_request_success{model=\"m\" 1"),
            ["10.0.0.4"] = _ => Ok(Body),
        };
        var (scraper, store, _, metrics) = NewScraper(handler, Pod("a", "10.0.0.1"), Pod("b", "10.0.0.2"), Pod("c", "10.0.0.3"), Pod("d", "10.0.0.4"));

        var round = await scraper.ScrapeOnceAsync(CancellationToken.None);

        Assert.Equal((1, 3), (round.Scraped, round.Failed));
        Assert.Equal(3, store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(10))!.PodsFailed);
        Assert.Contains("aiop_operator_model_scrapes_total{result=\"failure\"} 3", metrics.Registry.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_fails_the_scrape_with_or_without_a_declared_length()
    {
        var big = new string('#', 2000) + "\n" + Body;
        var handler = new FakePods
        {
            ["10.0.0.1"] = _ => Ok(big),
            ["10.0.0.2"] = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))) },
        };
        var (scraper, _, _, _) = NewScraper(handler, new ScraperOptions { MaxBodyBytes = 1024 }, Pod("a", "10.0.0.1"), Pod("b", "10.0.0.2"));

        var round = await scraper.ScrapeOnceAsync(CancellationToken.None);

        Assert.Equal((0, 2), (round.Scraped, round.Failed));
    }

    [Fact]
    public async Task A_pod_that_does_not_answer_in_time_fails_and_the_others_are_still_scraped()
    {
        var time = new FakeTimeProvider();
        var handler = new FakePods
        {
            ["10.0.0.1"] = ct => Hang(ct),
            ["10.0.0.2"] = _ => Ok(Body),
        };
        var (scraper, store, _, _) = NewScraper(handler, new ScraperOptions { Timeout = TimeSpan.FromSeconds(1) }, time, Pod("slow", "10.0.0.1"), Pod("b", "10.0.0.2"));

        var scraping = scraper.ScrapeOnceAsync(CancellationToken.None);
        await handler.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The answering pod's scrape must be over before the clock moves: its own timeout runs on the same clock,
        // and on a loaded machine it may still be reading the body when the slow one is seen hanging.
        await AiOperator.Testing.Eventually.TrueAsync(() => store.Snapshot("ns", "md", "r1", TimeSpan.FromSeconds(10))?.PodsScraped == 1,
            "the answering pod scraped", TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(1));
        var round = await scraping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((1, 1), (round.Scraped, round.Failed));
    }

    [Fact]
    public async Task An_unready_pod_reporting_a_load_failure_is_recorded_once_and_cleared_when_it_goes()
    {
        const string failing = """
            aiop_model_ready{model="m",version="1"} 0
            aiop_model_load_failure{model="m",version="1",reason="model file is not a valid ONNX graph"} 1
            """;
        var body = failing;
        var handler = new FakePods { ["10.0.0.1"] = _ => Ok(body) };
        var pod = Pod("a", "10.0.0.1", ready: false);
        var (scraper, _, failures, _) = NewScraper(handler, pod);

        var first = await scraper.ScrapeOnceAsync(CancellationToken.None);
        var second = await scraper.ScrapeOnceAsync(CancellationToken.None);

        Assert.Equal([new ObjectKey("ns", "md")], first.LoadFailuresChanged);
        Assert.Empty(second.LoadFailuresChanged);
        var failure = Assert.Single(failures.For("ns", "md"));
        Assert.Equal(("a", "r1", "model file is not a valid ONNX graph"), (failure.Pod, failure.Revision, failure.Reason));

        body = Body;
        var third = await scraper.ScrapeOnceAsync(CancellationToken.None);
        Assert.Equal([new ObjectKey("ns", "md")], third.LoadFailuresChanged);
        Assert.Empty(failures.For("ns", "md"));
    }

    [Fact]
    public async Task Concurrency_is_bounded()
    {
        var handler = new FakePods();
        var pods = Enumerable.Range(1, 20).Select(i => Pod($"p{i}", $"10.0.1.{i}")).ToArray();
        foreach (var p in pods)
        {
            handler[p.Status.PodIP] = _ => Ok(Body);
        }

        handler.Delay = TimeSpan.FromMilliseconds(5);
        var (scraper, _, _, _) = NewScraper(handler, new ScraperOptions { MaxConcurrency = 3 }, pods);

        var round = await scraper.ScrapeOnceAsync(CancellationToken.None);

        Assert.Equal(20, round.Scraped);
        Assert.InRange(handler.MaxConcurrent, 1, 3);
    }

    private static (ModelPodScraper, MetricsStore, ModelLoadFailures, ControllerMetrics) NewScraper(FakePods handler, params V1Pod[] pods) =>
        NewScraper(handler, new ScraperOptions(), pods);

    private static (ModelPodScraper, MetricsStore, ModelLoadFailures, ControllerMetrics) NewScraper(FakePods handler, ScraperOptions options, params V1Pod[] pods) =>
        NewScraper(handler, options, new FakeTimeProvider(), pods);

    private static (ModelPodScraper, MetricsStore, ModelLoadFailures, ControllerMetrics) NewScraper(FakePods handler, ScraperOptions options, FakeTimeProvider time, params V1Pod[] pods)
    {
        var cache = new ResourceCache<V1Pod>([]);
        foreach (var pod in pods)
        {
            cache.Upsert(pod);
        }

        var store = new MetricsStore(time, options.Retention);
        var failures = new ModelLoadFailures();
        var metrics = new ControllerMetrics();
        return (new ModelPodScraper(cache, store, failures, new HttpMessageInvoker(handler), options, metrics, time, NullLogger<ModelPodScraper>.Instance), store, failures, metrics);
    }

    private static V1Pod Pod(string name, string? ip, string phase = "Running", bool ready = true) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "ns",
            Uid = name,
            ResourceVersion = "1",
            Labels = new Dictionary<string, string> { [ModelDeploymentLabels.ModelDeployment] = "md", [ModelDeploymentLabels.Revision] = "r1" },
        },
        Status = new V1PodStatus
        {
            Phase = phase,
            PodIP = ip,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    private static HttpResponseMessage Ok(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body) };

    private static async Task<HttpResponseMessage> Hang(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }

    private sealed class FakePods : HttpMessageHandler
    {
        private readonly Dictionary<string, Func<CancellationToken, object>> _pods = [];
        private readonly Lock _lock = new();
        private int _concurrent;

        public List<string> Requested { get; } = [];

        public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TimeSpan Delay { get; set; }

        public int MaxConcurrent { get; private set; }

        public Func<CancellationToken, object> this[string ip]
        {
            set => _pods[ip] = value;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                Requested.Add(request.RequestUri!.ToString());
                MaxConcurrent = Math.Max(MaxConcurrent, ++_concurrent);
            }

            try
            {
                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay, CancellationToken.None);
                }

                var answer = _pods[request.RequestUri!.Host](cancellationToken);
                if (answer is Task<HttpResponseMessage> pending)
                {
                    Hanging.TrySetResult();
                    return await pending;
                }

                return (HttpResponseMessage)answer;
            }
            finally
            {
                lock (_lock)
                {
                    _concurrent--;
                }
            }
        }
    }
}
