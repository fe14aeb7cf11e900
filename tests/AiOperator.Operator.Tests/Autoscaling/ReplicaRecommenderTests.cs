using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Autoscaling;
using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Tests.Autoscaling;

// The acceptance list of the autoscaler, on synthetic load traces in simulated time (2 s scrapes).
public sealed class ReplicaRecommenderTests
{
    private static readonly AutoscalerSettings Settings = new();

    [Fact]
    public void Steady_load_holds_replicas()
    {
        var sim = new LoadSimulation(Concurrency(target: 4), replicas: 3);

        sim.Run(concurrency: 12, TimeSpan.FromMinutes(10));

        Assert.Empty(sim.Decisions);
        Assert.Equal(3, sim.Replicas);
    }

    [Fact]
    public void A_five_fold_step_scales_up_within_two_seconds_in_panic()
    {
        var sim = new LoadSimulation(Concurrency(target: 4), replicas: 2);
        sim.Run(concurrency: 8, TimeSpan.FromMinutes(2));
        var stepAt = sim.Now;

        var first = sim.Step(concurrency: 40);

        Assert.True(first.Panicking);
        Assert.True(first.Desired >= 4, $"desired {first.Desired} after the first scrape of the step");
        var (at, replicas, _) = Assert.Single(sim.Decisions);
        Assert.True(at - stepAt <= TimeSpan.FromSeconds(2));
        Assert.True(replicas > 2);

        // It settles at load ÷ target once the stable window has seen the step.
        sim.Run(concurrency: 40, TimeSpan.FromMinutes(2));
        Assert.True(sim.Replicas == 10, string.Join("; ", sim.Decisions.Select(d => $"{d.At:T} {d.Replicas} {d.Decision.Reason}")));
    }

    [Fact]
    public void A_spike_shorter_than_the_window_causes_no_scale_down_afterwards()
    {
        var sim = new LoadSimulation(Concurrency(target: 4), replicas: 3);
        sim.Run(concurrency: 12, TimeSpan.FromMinutes(2));

        sim.Run(concurrency: 60, TimeSpan.FromSeconds(4));
        var lowest = int.MaxValue;
        for (var t = TimeSpan.Zero; t < TimeSpan.FromMinutes(10); t += LoadSimulation.Tick)
        {
            lowest = Math.Min(lowest, sim.Step(concurrency: 12).Desired);
        }

        Assert.True(lowest >= 3, $"fell to {lowest} after the spike");
        Assert.Equal(3, sim.Replicas);
        Assert.All(sim.Decisions.Where(d => d.Replicas < 3), _ => Assert.Fail("scaled below the steady level"));
    }

    [Fact]
    public void Oscillating_load_changes_direction_at_most_once_per_stabilization_window()
    {
        var window = TimeSpan.FromSeconds(300);
        var sim = new LoadSimulation(Concurrency(target: 4), replicas: 2);
        for (var cycle = 0; cycle < 30; cycle++)
        {
            sim.Run(concurrency: cycle % 2 == 0 ? 8 : 24, TimeSpan.FromSeconds(30));
        }

        var turns = new List<DateTimeOffset>();
        var direction = 0;
        var previous = 2;
        foreach (var (at, replicas, _) in sim.Decisions)
        {
            var d = Math.Sign(replicas - previous);
            if (direction != 0 && d != direction)
            {
                turns.Add(at);
            }

            direction = d;
            previous = replicas;
        }

        for (var i = 1; i < turns.Count; i++)
        {
            Assert.True(turns[i] - turns[i - 1] >= window, $"direction changed at {turns[i - 1]:T} and again at {turns[i]:T}");
        }

        Assert.True(sim.Decisions.Count <= 6, $"{sim.Decisions.Count} decisions in 15 minutes of oscillation");
    }

    [Fact]
    public void Bounds_hold_both_ways()
    {
        var high = new LoadSimulation(Concurrency(target: 4, min: 2, max: 5), replicas: 2);
        high.Run(concurrency: 400, TimeSpan.FromMinutes(2));
        Assert.Equal(5, high.Replicas);

        var low = new LoadSimulation(Concurrency(target: 4, min: 2, max: 5, scaleDownSeconds: 30), replicas: 5);
        low.Run(concurrency: 0.1, TimeSpan.FromMinutes(3));
        Assert.Equal(2, low.Replicas);
    }

    [Fact]
    public void One_step_grows_at_most_by_the_scale_up_rate()
    {
        var sim = new LoadSimulation(Concurrency(target: 1, max: 1000), replicas: 1);
        sim.Run(concurrency: 1, TimeSpan.FromMinutes(1));

        var first = sim.Step(concurrency: 500);

        Assert.Equal(10, first.Desired);
    }

    [Fact]
    public void Capacity_limits_the_total_and_says_so()
    {
        var sim = new LoadSimulation(Concurrency(target: 4), replicas: 2) { Capacity = new CapacityLimit(3, 1, 4, "nvidia.com/gpu") };

        var decision = sim.Run(concurrency: 40, TimeSpan.FromMinutes(1));

        Assert.Equal(3, decision.Desired);
        Assert.StartsWith("capacity-limited: 1 of 4 GPUs free", decision.CapacityMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Capacity_below_min_replicas_keeps_the_minimum_and_says_so()
    {
        var decision = ReplicaRecommender.Decide(Concurrency(target: 4, min: 2), Load(Window(totalConcurrency: 40), 2), AutoscalerState.Initial(2, Now), Now, Settings,
            new CapacityLimit(1, 0, 1, "nvidia.com/mig-1g.10gb"));

        Assert.Equal(2, decision.Desired);
        Assert.Contains("minReplicas 2 kept", decision.CapacityMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pod_restart_does_not_produce_a_decision()
    {
        var sim = new LoadSimulation(Concurrency(target: 4), replicas: 3);
        sim.Run(concurrency: 12, TimeSpan.FromMinutes(2));

        sim.Restart(1);
        sim.Run(concurrency: 12, TimeSpan.FromMinutes(10));

        Assert.Empty(sim.Decisions);
    }

    [Fact]
    public void Missing_scrapes_do_not_produce_a_decision()
    {
        var sim = new LoadSimulation(Concurrency(target: 4, scaleDownSeconds: 10), replicas: 3);
        sim.Run(concurrency: 12, TimeSpan.FromMinutes(2));

        sim.Unreachable.Add(0);
        sim.Unreachable.Add(2);
        sim.Run(concurrency: 12, TimeSpan.FromMinutes(2));
        sim.Unreachable.Clear();
        sim.Run(concurrency: 12, TimeSpan.FromMinutes(2));

        Assert.True(sim.Decisions.Count == 0, string.Join("; ", sim.Decisions.Select(d => $"{d.At:T} {d.Replicas} {d.Decision.Reason}")));
    }

    [Fact]
    public void Empty_or_NaN_windows_never_scale()
    {
        var spec = Concurrency(target: 4, min: 1, max: 10);
        var state = AutoscalerState.Initial(3, Now);

        Assert.Equal(3, ReplicaRecommender.Decide(spec, new LoadObservation(null, null, 3, 0), state, Now, Settings).Desired);
        Assert.Equal(3, ReplicaRecommender.Decide(spec, Load(Window(totalConcurrency: double.NaN), 3), state, Now, Settings).Desired);
        Assert.Equal(3, ReplicaRecommender.Decide(Metric(AutoscalingMetric.LatencyP95Ms, 100), Load(Window(p95: double.NaN), 3), state, Now, Settings).Desired);
        Assert.Equal(3, ReplicaRecommender.Decide(Metric(AutoscalingMetric.RequestsPerSecond, 10), Load(Window(rps: double.NaN), 3), state, Now, Settings).Desired);
    }

    [Theory]
    [InlineData(AutoscalingMetric.RequestsPerSecond, 10, 6)]     // 55 rps ÷ 10
    [InlineData(AutoscalingMetric.GpuUtilization, 0.5, 5)]       // 2.4 GPUs busy ÷ 0.5
    [InlineData(AutoscalingMetric.LatencyP95Ms, 100, 6)]         // 3 pods × 180 ms ÷ 100 ms
    [InlineData(AutoscalingMetric.Concurrency, 4, 3)]            // 10 in flight ÷ 4
    public void Each_metric_is_divided_by_its_target(AutoscalingMetric metric, double target, int expected)
    {
        var window = Window(totalConcurrency: 10, rps: 55, gpu: 2.4, p95: 180);

        var decision = ReplicaRecommender.Decide(Metric(metric, target), Load(window, 3), AutoscalerState.Initial(3, Now), Now, Settings);

        Assert.Equal(expected, decision.Desired);
    }

    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static AutoscalingSpec Concurrency(double target, int min = 1, int max = 20, int scaleDownSeconds = 300) =>
        new() { Enabled = true, Metric = AutoscalingMetric.Concurrency, Target = target, MinReplicas = min, MaxReplicas = max, ScaleDownStabilizationSeconds = scaleDownSeconds };

    private static AutoscalingSpec Metric(AutoscalingMetric metric, double target) =>
        new() { Enabled = true, Metric = metric, Target = target, MinReplicas = 1, MaxReplicas = 20 };

    private static LoadObservation Load(RevisionMetrics window, int ready) => new(window, window, ready, ready);

    private static RevisionMetrics Window(double totalConcurrency = 1, double rps = 1, double gpu = 0.1, double p95 = 10) =>
        new(rps * 60, rps, 0, p95 / 2, p95, p95 * 2, totalConcurrency / 3, gpu / 3, 3, 0, Now)
        {
            TotalConcurrency = totalConcurrency,
            TotalGpuUtilization = gpu,
        };
}
