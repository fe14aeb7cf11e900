using System.Globalization;
using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Rollouts;

/// <summary>
/// Judges a canary's window against spec.rollout.analysis (pure). Missing data, NaN figures and fewer requests
/// than minRequests are inconclusive: the step waits, it is never judged on what was not measured.
/// </summary>
internal static class CanaryAnalysis
{
    public const int DefaultIntervalSeconds = 30;
    public const double DefaultMaxErrorRate = 0.01;
    public const int DefaultMinRequests = 50;
    public const int DefaultFailureLimit = 2;

    public static TimeSpan Interval(AnalysisSpec? analysis) => TimeSpan.FromSeconds(Math.Max(1, analysis?.IntervalSeconds ?? DefaultIntervalSeconds));

    /// <summary>
    /// The shortest window the canary is judged over: three scrapes at the default 2 s. A window of one interval
    /// shorter than that often holds no two samples of a pod and would stay inconclusive however bad the canary.
    /// </summary>
    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(6);

    /// <summary>The window of the canary's metrics each evaluation judges: one interval, at least <see cref="MinWindow"/>.</summary>
    public static TimeSpan Window(AnalysisSpec? analysis) => Interval(analysis) > MinWindow ? Interval(analysis) : MinWindow;

    public static int FailureLimit(AnalysisSpec? analysis) => Math.Max(1, analysis?.FailureLimit ?? DefaultFailureLimit);

    public static AnalysisVerdict Evaluate(AnalysisSpec? analysis, RevisionMetrics? window)
    {
        var minRequests = Math.Max(0, analysis?.MinRequests ?? DefaultMinRequests);
        var maxErrorRate = analysis?.MaxErrorRate ?? DefaultMaxErrorRate;
        var maxP95 = analysis?.MaxLatencyP95Ms;
        if (window is null)
        {
            return new(AnalysisResult.Inconclusive, "no metrics from the canary's pods yet");
        }

        if (double.IsNaN(window.Requests) || window.Requests < minRequests)
        {
            // Worded for the person wondering why the rollout does not move: an idle canary is never promoted.
            return new(AnalysisResult.Inconclusive, $"waiting for traffic: {(double.IsNaN(window.Requests) ? "unknown" : Format(window.Requests))} of minRequests {minRequests} requests in the window");
        }

        if (window.Requests == 0)
        {
            return new(AnalysisResult.Passed, "no requests in the window and minRequests is 0");
        }

        if (double.IsNaN(window.ErrorRate) || maxP95 is not null && double.IsNaN(window.LatencyP95Ms))
        {
            return new(AnalysisResult.Inconclusive, $"{(double.IsNaN(window.ErrorRate) ? "error rate" : "p95 latency")} unknown over {Format(window.Requests)} requests");
        }

        var failures = new List<string>();
        if (window.ErrorRate > maxErrorRate)
        {
            failures.Add($"error rate {Format(window.ErrorRate)} > {Format(maxErrorRate)}");
        }

        if (maxP95 is { } limit && window.LatencyP95Ms > limit)
        {
            failures.Add($"p95 latency {Format(window.LatencyP95Ms)}ms > {Format(limit)}ms");
        }

        if (failures.Count > 0)
        {
            return new(AnalysisResult.Failed, string.Join(", ", failures));
        }

        var passed = $"error rate {Format(window.ErrorRate)} <= {Format(maxErrorRate)}";
        if (maxP95 is { } bound)
        {
            passed += $", p95 latency {Format(window.LatencyP95Ms)}ms <= {Format(bound)}ms";
        }

        return new(AnalysisResult.Passed, $"{passed} over {Format(window.Requests)} requests");
    }

    public static ServingMetrics Summary(RevisionMetrics window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return new ServingMetrics
        {
            RequestsPerSecond = Finite(window.RequestsPerSecond),
            LatencyP95Ms = Finite(window.LatencyP95Ms),
            ErrorRate = Finite(window.ErrorRate),
            Concurrency = Finite(window.Concurrency),
            GpuUtilization = Finite(window.GpuUtilization),
            SampledAt = RolloutClock.Truncate(window.SampledAt),
        };
    }

    // NaN does not survive JSON; an unknown figure is simply left out.
    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 4) : null;

    private static string Format(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
}
