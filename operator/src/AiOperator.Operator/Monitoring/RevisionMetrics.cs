namespace AiOperator.Operator.Monitoring;

/// <summary>
/// One revision's serving figures over a window. Rates are per second over the window; a figure that
/// could not be computed (no traffic, no histogram delta) is NaN, never 0, so no one judges missing data.
/// Requests and ErrorRate count answered requests; RequestsPerSecond is demand, counted on arrival where the
/// server exposes aiop_inference_requests_received_total (a queued or refused request is demand too).
/// </summary>
public sealed record RevisionMetrics(
    double Requests,
    double RequestsPerSecond,
    double ErrorRate,
    double LatencyP50Ms,
    double LatencyP95Ms,
    double LatencyP99Ms,
    double Concurrency,
    double GpuUtilization,
    int PodsScraped,
    int PodsFailed,
    DateTimeOffset SampledAt)
{
    /// <summary>In-flight requests summed over the revision's pods (Concurrency is the per-pod average).</summary>
    public double TotalConcurrency { get; init; } = double.NaN;

    /// <summary>GPU (or busy) utilisation summed over the revision's pods, in pods' worth (GpuUtilization is the per-pod average).</summary>
    public double TotalGpuUtilization { get; init; } = double.NaN;
}
