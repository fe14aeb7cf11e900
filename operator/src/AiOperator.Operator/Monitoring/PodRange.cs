namespace AiOperator.Operator.Monitoring;

/// <summary>
/// A pod's samples inside a window (a view over <see cref="PodSeries"/>' arrays, valid until its next write):
/// the points and, per point, each bucket's increase since the point before it.
/// </summary>
internal readonly ref struct PodRange(ReadOnlySpan<PodPoint> points, ReadOnlySpan<float> bucketIncreases, int stride)
{
    private readonly ReadOnlySpan<float> _bucketIncreases = bucketIncreases;

    public ReadOnlySpan<PodPoint> Points { get; } = points;

    public int Length => Points.Length;

    public PodPoint this[int index] => Points[index];

    /// <summary>How much bucket <paramref name="bucket"/> grew from point <paramref name="first"/> to point <paramref name="last"/>, resets counted.</summary>
    public double BucketIncrease(int first, int last, int bucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(last, Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bucket, stride);
        var increase = 0.0;
        for (var i = first + 1; i <= last; i++)
        {
            increase += _bucketIncreases[(i * stride) + bucket];
        }

        return increase;
    }
}
