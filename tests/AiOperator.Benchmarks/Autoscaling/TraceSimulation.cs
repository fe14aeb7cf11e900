using System.Globalization;
using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Autoscaling;
using AiOperator.Operator.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.Benchmarks.Autoscaling;

/// <summary>
/// Runs a load trace in simulated time (FakeTimeProvider, 0.5 s steps) against pods that serve it by
/// <see cref="QueueingModel"/>. Every 2 s each ready pod's /metrics text is parsed by the operator's
/// parser into the operator's MetricsStore. Ours: after each scrape the production
/// <see cref="ReplicaRecommender"/> decides on the stable and panic windows, as ModelDeploymentAutoscaler
/// feeds it. HPA: every 15 s <see cref="HpaModel"/> decides on each ready pod's 60 s average concurrency
/// from the same scrapes (its own window per pod, the operator's window arithmetic). A pod asked for is
/// ready <see cref="ReadinessDelay"/> later; scaling down removes not-ready pods first, newest first.
/// Both read the same metric (<see cref="Metric"/>) against the same per-pod target.
/// </summary>
internal sealed class TraceSimulation
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(0.5);
    public static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan HpaMetricWindow = TimeSpan.FromSeconds(60);
    private const string Ns = "bench";
    private const string Md = "model";
    private const string Revision = "r1";

    public required ServiceModel Service { get; init; }

    public required TimeSpan ReadinessDelay { get; init; }

    /// <summary>Concurrency or RequestsPerSecond.</summary>
    public required AutoscalingMetric Metric { get; init; }

    /// <summary>The metric's value per pod, for both autoscalers.</summary>
    public required double Target { get; init; }

    public int InitialReplicas { get; init; } = 2;

    public int MinReplicas { get; init; } = 1;

    public int MaxReplicas { get; init; } = 50;

    public SimulationRun RunOurs(LoadTrace trace)
    {
        var spec = new AutoscalingSpec
        {
            Enabled = true,
            Metric = Metric,
            Target = Target,
            MinReplicas = MinReplicas,
            MaxReplicas = MaxReplicas,
        };
        var settings = new AutoscalerSettings();
        AutoscalerState? state = null;
        return Run(trace, "ours", (now, store, _, pods, asked) =>
        {
            state ??= AutoscalerState.Initial(asked, now);
            if ((now - Start).Ticks % ScrapeInterval.Ticks != 0)
            {
                return asked;
            }

            // As ModelDeploymentAutoscaler.Autoscale: stable and panic windows, ready pods, pods reporting in the panic window.
            var panic = store.Snapshot(Ns, Md, Revision, settings.PanicWindow);
            var load = new LoadObservation(store.Snapshot(Ns, Md, Revision, settings.StableWindow), panic,
                pods.Count(p => p.IsReady(now)), Math.Max(0, (panic?.PodsScraped ?? 0) - (panic?.PodsFailed ?? 0)));
            var decision = ReplicaRecommender.Decide(spec, load, state, now, settings);
            state = decision.State;
            return decision.Desired;
        });
    }

    /// <summary>HPA syncs at <paramref name="syncOffset"/> + k × 15 s.</summary>
    public SimulationRun RunHpa(LoadTrace trace, TimeSpan syncOffset)
    {
        var hpa = new HpaModel(new HpaSettings(Target, MinReplicas, MaxReplicas));
        return Run(trace, "HPA", (now, _, perPod, pods, asked) =>
        {
            if ((now - Start - syncOffset).Ticks % hpa.Settings.SyncPeriod.Ticks != 0)
            {
                return asked;
            }

            var metrics = pods.Where(p => p.IsReady(now))
                .Select(p => perPod.Snapshot(Ns, p.Name, p.Name, HpaMetricWindow) is { } w
                    ? Metric == AutoscalingMetric.Concurrency ? w.TotalConcurrency : w.RequestsPerSecond
                    : double.NaN).ToList();
            return hpa.Sync(now, asked, metrics);
        });
    }

    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture);

    private delegate int Decide(DateTimeOffset now, MetricsStore store, MetricsStore perPod, IReadOnlyList<SimulatedPod> pods, int asked);

    private SimulationRun Run(LoadTrace trace, string autoscaler, Decide decide)
    {
        var time = new FakeTimeProvider(Start);
        var store = new MetricsStore(time, TimeSpan.FromMinutes(3));
        var perPod = new MetricsStore(time, TimeSpan.FromMinutes(3));
        var queue = new QueueingModel(Service);
        var limits = new PrometheusTextLimits();
        var pods = new List<SimulatedPod>();
        var next = 0;
        for (; next < InitialReplicas; next++)
        {
            pods.Add(new SimulatedPod($"pod-{next}", Start));
        }

        var steps = (int)Math.Round(trace.DurationSeconds / Step.TotalSeconds);
        var seconds = new double[steps];
        var offered = new double[steps];
        var askedSeries = new int[steps];
        var readySeries = new int[steps];
        var p95 = new double[steps];
        var backlog = new double[steps];
        var rejected = new double[steps];
        var decisions = new List<(double, int, int)>();
        var asked = InitialReplicas;
        for (var i = 0; i < steps; i++)
        {
            var now = time.GetUtcNow();
            var t = (now - Start).TotalSeconds;
            var load = trace.Offered(t);
            var ready = pods.Where(p => p.IsReady(now)).ToList();
            var tick = queue.Advance(load, ready.Count, Step.TotalSeconds);
            foreach (var pod in ready)
            {
                pod.Serve(tick, ready.Count);
            }

            seconds[i] = t;
            offered[i] = load;
            askedSeries[i] = asked;
            readySeries[i] = ready.Count;
            p95[i] = tick.P95Seconds * 1000;
            backlog[i] = queue.Backlog;
            rejected[i] = queue.Rejected;

            time.Advance(Step);
            now = time.GetUtcNow();
            if ((now - Start).Ticks % ScrapeInterval.Ticks == 0)
            {
                foreach (var pod in pods.Where(p => p.IsReady(now)))
                {
                    var parsed = PrometheusTextParser.Parse(pod.Render(), ModelServerScrape.WantedName, limits);
                    store.Record(Ns, pod.Name, Md, Revision, ModelServerScrape.ToSample(parsed, now, store.LastBounds(Ns, pod.Name)));
                    perPod.Record(Ns, pod.Name, pod.Name, pod.Name, ModelServerScrape.ToSample(parsed, now, perPod.LastBounds(Ns, pod.Name)));
                }

                var live = pods.Select(p => (Ns, p.Name)).ToHashSet();
                store.Retain(live);
                perPod.Retain(live);
            }

            var desired = decide(now, store, perPod, pods, asked);
            if (desired != asked)
            {
                decisions.Add(((now - Start).TotalSeconds, asked, desired));
                asked = desired;
                while (pods.Count < asked)
                {
                    pods.Add(new SimulatedPod($"pod-{next++}", now + ReadinessDelay));
                }

                // A ReplicaSet deletes pods that are not ready before ready ones, newer before older.
                foreach (var gone in pods.OrderBy(p => p.IsReady(now)).ThenByDescending(p => p.ReadyAt).Take(pods.Count - asked).ToList())
                {
                    pods.Remove(gone);
                }
            }
        }

        return new SimulationRun(autoscaler, trace, seconds, offered, askedSeries, readySeries, p95, backlog, rejected, decisions);
    }
}
