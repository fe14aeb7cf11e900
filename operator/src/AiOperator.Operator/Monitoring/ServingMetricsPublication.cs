using AiOperator.Api.V1Alpha1;

namespace AiOperator.Operator.Monitoring;

/// <summary>
/// Whether status.metrics should change (pure): at most once per interval, and only when a figure moved
/// meaningfully (≥ 10 % and past a small absolute floor, or appeared/disappeared), so GitOps tools and the
/// API server are not churned by noise. Figures are rounded to what a person reads.
/// </summary>
internal static class ServingMetricsPublication
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(15);

    /// <summary>The metrics to write, or null to leave status.metrics as it is.</summary>
    public static ServingMetrics? Decide(ServingMetrics? published, RevisionMetrics? fresh, DateTimeOffset now, TimeSpan minInterval)
    {
        if (fresh is null)
        {
            return null;
        }

        if (published?.SampledAt is { } last && now - new DateTimeOffset(DateTime.SpecifyKind(last, DateTimeKind.Utc)) < minInterval)
        {
            return null;
        }

        var candidate = From(fresh, now);
        if (published is null)
        {
            return candidate;
        }

        var moved = Moved(published.RequestsPerSecond, candidate.RequestsPerSecond, 0.5)
            || Moved(published.LatencyP95Ms, candidate.LatencyP95Ms, 2)
            || Moved(published.ErrorRate, candidate.ErrorRate, 0.005)
            || Moved(published.Concurrency, candidate.Concurrency, 0.2)
            || Moved(published.GpuUtilization, candidate.GpuUtilization, 0.05);
        return moved ? candidate : null;
    }

    public static ServingMetrics From(RevisionMetrics window, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(window);
        return new ServingMetrics
        {
            RequestsPerSecond = Round(window.RequestsPerSecond, 2),
            LatencyP95Ms = Round(window.LatencyP95Ms, 1),
            ErrorRate = Round(window.ErrorRate, 4),
            Concurrency = Round(window.Concurrency, 2),
            GpuUtilization = Round(window.GpuUtilization, 2),
            SampledAt = new DateTime(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc),
        };
    }

    private static bool Moved(double? before, double? after, double floor) => (before, after) switch
    {
        (null, null) => false,
        (null, _) or (_, null) => true,
        ({ } b, { } a) => Math.Abs(a - b) >= floor && Math.Abs(a - b) >= 0.1 * Math.Max(Math.Abs(a), Math.Abs(b)),
    };

    private static double? Round(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : null;
}
