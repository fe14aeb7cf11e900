namespace AiOperator.Metrics;

/// <summary>One histogram series; lock-free to observe (the model server observes every request).</summary>
public sealed class HistogramSeries
{
    private readonly double[] _bounds;

    // Per bucket, not cumulative (one increment per observation); the last slot is above every bound.
    private readonly long[] _counts;
    private double _sum;

    internal HistogramSeries(double[] bounds)
    {
        _bounds = bounds;
        _counts = new long[bounds.Length + 1];
    }

    public long Count => Cumulative()[^1];

    public double Sum => Volatile.Read(ref _sum);

    public void Observe(double value)
    {
        // Upper bounds are inclusive (le): a value equal to a bound counts in that bound's bucket.
        var i = double.IsNaN(value) ? _bounds.Length : Array.BinarySearch(_bounds, value);
        Interlocked.Increment(ref _counts[i < 0 ? ~i : i]);
        double seen;
        do
        {
            seen = Volatile.Read(ref _sum);
        }
        while (BitConverter.DoubleToInt64Bits(Interlocked.CompareExchange(ref _sum, seen + value, seen)) != BitConverter.DoubleToInt64Bits(seen));
    }

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
