namespace AiOperator.Operator.Monitoring;

/// <summary>
/// What one scrape of a model pod said, reduced to the figures the windows use. Counters are raw
/// (they reset when the container restarts); absent gauges are NaN.
/// </summary>
internal sealed record PodSample(
    DateTimeOffset At,
    double Success,
    double Failure,
    double RequestSeconds,
    double InFlight,
    double BusyRatio,
    double GpuUtilization,
    double[] BucketBounds,
    double[] BucketCounts,
    bool? ModelReady,
    string? LoadFailure)
{
    public double Requests => Success + Failure;

    /// <summary>Requests counted on arrival (aiop_inference_requests_received_total); NaN from a server that does not expose it.</summary>
    public double Received { get; init; } = double.NaN;
}
