namespace AiOperator.Operator.Monitoring;

/// <summary>
/// One scrape of a pod as <see cref="PodSeries"/> keeps it: only the figures the windows read, 72 bytes in
/// an array (no object per sample). Counters are raw; absent gauges and counters are NaN. The bucket bounds
/// are the series' shared array; the bucket increases are kept beside it in the series.
/// </summary>
internal readonly record struct PodPoint(
    long UtcTicks,
    double Success,
    double Failure,
    double RequestSeconds,
    double InFlight,
    double BusyRatio,
    double GpuUtilization,
    double[] BucketBounds,
    double Received = double.NaN)
{
    public DateTimeOffset At => new(UtcTicks, TimeSpan.Zero);

    public double Requests => Success + Failure;
}
