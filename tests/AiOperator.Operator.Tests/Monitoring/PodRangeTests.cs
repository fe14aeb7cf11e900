using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Tests.Monitoring;

public sealed class PodRangeTests
{
    private static readonly double[] Bounds = [0.1, double.PositiveInfinity];

    private static PodPoint Point(int second) => new(second * TimeSpan.TicksPerSecond, 0, 0, 0, 0, 0, double.NaN, Bounds);

    [Fact]
    public void Bucket_increase_sums_the_points_after_the_first_up_to_the_last()
    {
        PodPoint[] points = [Point(0), Point(2), Point(4)];
        float[] increases = [99, 99, 1, 2, 3, 4];    // the first point's row is never read

        var range = new PodRange(points, increases, 2);

        Assert.Equal(3, range.Length);
        Assert.Equal(1 + 3, range.BucketIncrease(0, 2, 0));
        Assert.Equal(4, range.BucketIncrease(1, 2, 1));
        Assert.Equal(0, range.BucketIncrease(1, 1, 1));
        Assert.Equal(TimeSpan.FromSeconds(4), range[^1].At - range[0].At);
    }

    [Fact]
    public void Bucket_increase_outside_the_range_is_refused()
    {
        PodPoint[] points = [Point(0), Point(2)];
        float[] increases = [0, 0, 1, 2];

        Assert.Throws<ArgumentOutOfRangeException>(() => new PodRange(points, increases, 2).BucketIncrease(0, 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PodRange(points, increases, 2).BucketIncrease(0, 1, 2));
    }
}
