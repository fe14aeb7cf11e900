namespace AiOperator.ModelServer.Metrics;

/// <summary>A Prometheus histogram with fixed upper bounds; thread-safe, lock-free on observe.</summary>
internal sealed class Histogram(double[] bounds)
{
    private readonly long[] _counts = new long[bounds.Length + 1];
    private long _sumMicros;
    private long _count;

    public IReadOnlyList<double> Bounds => bounds;

    public void Observe(double value)
    {
        var i = Array.BinarySearch(bounds, value);
        Interlocked.Increment(ref _counts[i < 0 ? ~i : i]);
        Interlocked.Add(ref _sumMicros, (long)(value * 1_000_000));
        Interlocked.Increment(ref _count);
    }

    public long Count => Interlocked.Read(ref _count);

    public double Sum => Interlocked.Read(ref _sumMicros) / 1_000_000.0;

    /// <summary>Cumulative counts per bound, then the total (the +Inf bucket).</summary>
    public long[] Cumulative()
    {
        var result = new long[_counts.Length];
        long running = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            result[i] = running;
        }

        return result;
    }
}
