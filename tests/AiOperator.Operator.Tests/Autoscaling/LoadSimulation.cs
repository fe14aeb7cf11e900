using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Autoscaling;
using AiOperator.Operator.Monitoring;
using AiOperator.Operator.Tests.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.Operator.Tests.Autoscaling;

// A synthetic load trace through the real windows and the real autoscaler: every 2 s of simulated time
// the pods serve the load (split evenly, each request taking 100 ms), are scraped into a MetricsStore,
// and the autoscaler decides. Pods come and go with the decision (ready at once).
internal sealed class LoadSimulation
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(2);
    private const double Latency = 0.1;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly MetricsStore _store;
    private readonly AutoscalingSpec _spec;
    private readonly AutoscalerSettings _settings = new();
    private readonly List<(string Name, SyntheticPod Pod)> _pods = [];
    private AutoscalerState _state;
    private int _nextPod;

    public LoadSimulation(AutoscalingSpec spec, int replicas)
    {
        _spec = spec;
        _store = new MetricsStore(_time, TimeSpan.FromMinutes(3));
        _state = AutoscalerState.Initial(replicas, _time.GetUtcNow());
        Resize(replicas);
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    public int Replicas => _state.Desired;

    public CapacityLimit? Capacity { get; set; }

    /// <summary>Pods whose scrapes fail (the pod still serves its share).</summary>
    public HashSet<int> Unreachable { get; } = [];

    public List<(DateTimeOffset At, int Replicas, ScaleDecision Decision)> Decisions { get; } = [];

    /// <summary>Runs the load (total in-flight requests) for the duration, one decision per tick.</summary>
    public ScaleDecision Run(double concurrency, TimeSpan duration)
    {
        ScaleDecision? last = null;
        for (var t = TimeSpan.Zero; t < duration; t += Tick)
        {
            last = Step(concurrency);
        }

        return last!;
    }

    public ScaleDecision Step(double concurrency)
    {
        var rpsPerPod = concurrency / Latency / _pods.Count;
        foreach (var (_, pod) in _pods)
        {
            pod.Advance(Tick, rpsPerPod, Latency);
        }

        _time.Advance(Tick);
        for (var i = 0; i < _pods.Count; i++)
        {
            var (name, pod) = _pods[i];
            if (Unreachable.Contains(i))
            {
                _store.RecordFailure("ns", name, "md", "r1", Now);
            }
            else
            {
                _store.Record("ns", name, "md", "r1", pod.Sample(Now));
            }
        }

        var panic = _store.Snapshot("ns", "md", "r1", _settings.PanicWindow);
        var load = new LoadObservation(_store.Snapshot("ns", "md", "r1", _settings.StableWindow), panic, _pods.Count, Math.Max(0, (panic?.PodsScraped ?? 0) - (panic?.PodsFailed ?? 0)));
        var decision = ReplicaRecommender.Decide(_spec, load, _state, Now, _settings, Capacity);
        var before = _state.Desired;
        _state = decision.State;
        if (decision.Desired != before)
        {
            Decisions.Add((Now, decision.Desired, decision));
        }

        Resize(decision.Desired);
        return decision;
    }

    public void Restart(int pod) => _pods[pod].Pod.Restart();

    private void Resize(int replicas)
    {
        while (_pods.Count < replicas)
        {
            _pods.Add(($"p{_nextPod++}", new SyntheticPod()));
        }

        while (_pods.Count > replicas)
        {
            _pods.RemoveAt(_pods.Count - 1);
        }

        _store.Retain(_pods.Select(p => ("ns", p.Name)).ToHashSet());
    }
}
