using System.Globalization;
using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.ModelDeployments;
using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Autoscaling;

/// <summary>
/// The autoscaler, a pure function of (spec, load windows, state, now), after Knative's KPA: desired =
/// load ÷ target per pod over the 60 s stable window; a burst that asks for ≥ 2× the ready pods in the 6 s
/// panic window switches to the panic window and, for a stable window after the last burst, never scales
/// down; one step grows at most 10× the ready pods; scaling down goes only to the highest recommendation
/// of the last scaleDownStabilizationSeconds (as HPA's window), so oscillating load does not flap. No
/// data, NaN or an incomplete scrape never lowers the total.
/// </summary>
internal static class ReplicaRecommender
{
    public static ScaleDecision Decide(AutoscalingSpec spec, LoadObservation load, AutoscalerState state, DateTimeOffset now, AutoscalerSettings settings, CapacityLimit? capacity = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(settings);
        var (min, max) = ReplicaTotal.Bounds(spec);
        var metric = spec.Metric ?? AutoscalingMetric.Concurrency;
        var target = spec.Target ?? 4;
        var current = state.Desired;
        var window = TimeSpan.FromSeconds(Math.Max(0, spec.ScaleDownStabilizationSeconds ?? AutoscalerSettings.DefaultScaleDownStabilizationSeconds));

        var stable = Wanted(metric, target, load.Stable, load.ReadyPods);
        if (double.IsNaN(stable) || !(target > 0))
        {
            // No data is no reason to move; only the bounds still apply.
            var bounded = Math.Min(max, Math.Max(min, current));
            return new ScaleDecision(bounded, state with { Desired = bounded }, $"no {Describe(metric)} data: holding {bounded}", state.IsPanicking(now), null);
        }

        var panicWanted = Wanted(metric, target, load.Panic, load.ReadyPods);
        var burst = !double.IsNaN(panicWanted) && load.ReadyPods > 0 && panicWanted >= settings.PanicThreshold * load.ReadyPods;
        var panicUntil = burst ? now + settings.StableWindow : state.PanicUntil;
        var panicking = panicUntil > now;

        var recommended = panicking && !double.IsNaN(panicWanted)
            ? Math.Max(Replicas(panicWanted), current)
            : Replicas(stable);
        var ceiling = (int)Math.Min(int.MaxValue, Math.Ceiling(Math.Max(1, load.ReadyPods) * settings.MaxScaleUpRate));
        recommended = Math.Min(recommended, Math.Max(current, ceiling));
        recommended = Math.Min(max, Math.Max(min, recommended));

        // Pods that were not scraped carry load nobody saw: their absence may lower the total, never its decision.
        var incomplete = load.Stable is null || load.ReportingPods < load.ReadyPods;
        if (incomplete && recommended < current)
        {
            recommended = Math.Min(max, current);
        }

        var history = state.History.Where(r => r.At > now - window).Append(new ScaleRecommendation(now, recommended)).ToList();
        var desired = recommended >= current ? recommended : Math.Min(current, history.Max(r => r.Replicas));
        if (panicking)
        {
            desired = Math.Max(desired, current);
        }

        desired = Math.Min(max, Math.Max(min, desired));

        string? capacityMessage = null;
        if (capacity is not null && desired > capacity.MaxReplicas)
        {
            var held = Math.Max(min, capacity.MaxReplicas);
            capacityMessage = $"capacity-limited: {capacity.FreeGpus} of {capacity.TotalGpus} GPUs free ({capacity.ResourceName}); load asks for {desired} replicas, the cluster holds {capacity.MaxReplicas}"
                + (held > capacity.MaxReplicas ? $"; minReplicas {min} kept" : "");
            desired = held;
        }

        var reason = string.Create(CultureInfo.InvariantCulture,
            $"{Describe(metric)} {Figure(metric, panicking ? load.Panic : load.Stable)} against target {target:0.###} per pod{(panicking ? " (panic window)" : "")}: {desired} replicas");
        return new ScaleDecision(desired, new AutoscalerState(desired, panicUntil, history), reason, panicking, capacityMessage);
    }

    /// <summary>Replicas the load asks for, unrounded; NaN without data.</summary>
    public static double Wanted(AutoscalingMetric metric, double target, RevisionMetrics? window, int readyPods)
    {
        if (window is null || !(target > 0))
        {
            return double.NaN;
        }

        return metric switch
        {
            AutoscalingMetric.Concurrency => window.TotalConcurrency / target,
            AutoscalingMetric.RequestsPerSecond => window.RequestsPerSecond / target,
            AutoscalingMetric.GpuUtilization => window.TotalGpuUtilization / target,

            // Latency is not additive: scale the pods serving it in proportion, as HPA does for averages.
            AutoscalingMetric.LatencyP95Ms => readyPods > 0 ? readyPods * window.LatencyP95Ms / target : double.NaN,
            _ => double.NaN,
        };
    }

    // A hair under a whole number is that number: steady load exactly at target must not round up.
    private static int Replicas(double wanted) => (int)Math.Min(int.MaxValue, Math.Max(0, Math.Ceiling(wanted - 1e-6)));

    private static string Describe(AutoscalingMetric metric) => metric switch
    {
        AutoscalingMetric.Concurrency => "concurrency",
        AutoscalingMetric.RequestsPerSecond => "requests/s",
        AutoscalingMetric.GpuUtilization => "GPU utilization",
        AutoscalingMetric.LatencyP95Ms => "p95 latency (ms)",
        _ => metric.ToString(),
    };

    private static string Figure(AutoscalingMetric metric, RevisionMetrics? window) => window is null ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{metric switch
    {
        AutoscalingMetric.Concurrency => window.TotalConcurrency,
        AutoscalingMetric.RequestsPerSecond => window.RequestsPerSecond,
        AutoscalingMetric.GpuUtilization => window.TotalGpuUtilization,
        _ => window.LatencyP95Ms,
    }:0.##}");
}
