using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Autoscaling;

/// <summary>Sums the windows of a ModelDeployment's live revisions: the autoscaler sizes the total, a rollout splits it.</summary>
internal static class MetricsAggregate
{
    public static RevisionMetrics? Sum(IReadOnlyList<RevisionMetrics> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count == 0)
        {
            return null;
        }

        if (windows.Count == 1)
        {
            return windows[0];
        }

        var requests = SumOf(windows, w => w.Requests);
        var pods = windows.Sum(w => w.PodsScraped);
        var totalConcurrency = SumOf(windows, w => w.TotalConcurrency);
        var totalGpu = SumOf(windows, w => w.TotalGpuUtilization);
        var errors = SumOf(windows, w => w.Requests * w.ErrorRate);
        return new RevisionMetrics(
            requests,
            SumOf(windows, w => w.RequestsPerSecond),
            requests > 0 ? errors / requests : double.NaN,
            MaxOf(windows, w => w.LatencyP50Ms),
            MaxOf(windows, w => w.LatencyP95Ms),
            MaxOf(windows, w => w.LatencyP99Ms),
            pods == 0 ? double.NaN : totalConcurrency / pods,
            pods == 0 ? double.NaN : totalGpu / pods,
            pods,
            windows.Sum(w => w.PodsFailed),
            windows.Max(w => w.SampledAt))
        {
            TotalConcurrency = totalConcurrency,
            TotalGpuUtilization = totalGpu,
        };
    }

    // NaN only when no window has the figure: one revision without traffic does not hide the other's.
    private static double SumOf(IReadOnlyList<RevisionMetrics> windows, Func<RevisionMetrics, double> pick)
    {
        var present = windows.Select(pick).Where(v => !double.IsNaN(v)).ToList();
        return present.Count == 0 ? double.NaN : present.Sum();
    }

    private static double MaxOf(IReadOnlyList<RevisionMetrics> windows, Func<RevisionMetrics, double> pick)
    {
        var present = windows.Select(pick).Where(v => !double.IsNaN(v)).ToList();
        return present.Count == 0 ? double.NaN : present.Max();
    }
}
