using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Tests.Monitoring;

public sealed class PodSeriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static PodSample Sample(int second, double[] bounds, double requests = 1) =>
        new(T0.AddSeconds(second), requests, 0, 0.01, 0, 0, double.NaN, bounds, [.. bounds.Select(_ => requests)], true, null);

    private static DateTimeOffset[] Times(PodSeries series) =>
        series.Range(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Points.ToArray().Select(p => p.At).ToArray();

    [Fact]
    public void Samples_older_than_the_retention_are_dropped_and_late_ones_ignored()
    {
        var series = new PodSeries("ns", "p", "m", "1-abc");
        double[] bounds = [1, double.PositiveInfinity];
        series.Add(Sample(0, bounds), TimeSpan.FromSeconds(10));
        series.Add(Sample(8, bounds), TimeSpan.FromSeconds(10));
        series.Add(Sample(6, bounds), TimeSpan.FromSeconds(10));
        series.Add(Sample(12, bounds), TimeSpan.FromSeconds(10));

        Assert.Equal([T0.AddSeconds(8), T0.AddSeconds(12)], Times(series));
    }

    [Fact]
    public void Range_selects_after_from_up_to_and_including_to()
    {
        var series = new PodSeries("ns", "p", "m", "r");
        double[] bounds = [1, double.PositiveInfinity];
        for (var s = 0; s <= 10; s += 2)
        {
            series.Add(Sample(s, bounds), TimeSpan.FromMinutes(1));
        }

        var range = series.Range(T0.AddSeconds(2), T0.AddSeconds(8));

        Assert.Equal([T0.AddSeconds(4), T0.AddSeconds(6), T0.AddSeconds(8)], range.Points.ToArray().Select(p => p.At));
        Assert.Equal(0, series.Range(T0.AddSeconds(10), T0.AddSeconds(20)).Length);
    }

    [Fact]
    public void Bucket_increases_count_a_reset_as_Prometheus_does()
    {
        var series = new PodSeries("ns", "p", "m", "r");
        double[] bounds = [0.1, double.PositiveInfinity];
        PodSample At(int second, double low, double all) => new(T0.AddSeconds(second), all, 0, 0, 0, 0, double.NaN, bounds, [low, all], true, null);
        series.Add(At(0, 10, 20), TimeSpan.FromMinutes(1));
        series.Add(At(2, 15, 30), TimeSpan.FromMinutes(1));
        series.Add(At(4, 2, 3), TimeSpan.FromMinutes(1));     // restarted: 2 and 3 are new
        series.Add(At(6, 4, 9), TimeSpan.FromMinutes(1));

        var range = series.Range(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

        Assert.Equal(5 + 2 + 2, range.BucketIncrease(0, 3, 0));
        Assert.Equal(10 + 3 + 6, range.BucketIncrease(0, 3, 1));
        Assert.Equal(2 + 2, range.BucketIncrease(1, 3, 0));
        Assert.Equal(0, range.BucketIncrease(2, 2, 1));
    }

    [Fact]
    public void Equal_bounds_share_one_array_and_new_bounds_widen_the_stride_without_losing_samples()
    {
        var series = new PodSeries("ns", "p", "m", "r");
        series.Add(Sample(0, [1, double.PositiveInfinity], 1), TimeSpan.FromMinutes(1));
        series.Add(Sample(2, [1, double.PositiveInfinity], 2), TimeSpan.FromMinutes(1));
        series.Add(Sample(4, [1, 2, 3, double.PositiveInfinity], 3), TimeSpan.FromMinutes(1));
        series.Add(Sample(6, [1, 2, 3, double.PositiveInfinity], 5), TimeSpan.FromMinutes(1));

        var range = series.Range(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

        Assert.Same(range[0].BucketBounds, range[1].BucketBounds);
        Assert.Same(range[2].BucketBounds, range[3].BucketBounds);
        Assert.Equal(1, range.BucketIncrease(0, 1, 1));       // the old bounds' increases survived the wider rows
        Assert.Equal(2, range.BucketIncrease(2, 3, 3));
        Assert.Equal([1, 2, 3, 5], range.Points.ToArray().Select(p => p.Success));
    }

    [Fact]
    public void A_series_at_its_steady_length_keeps_arrays_little_larger_than_what_it_holds()
    {
        var series = new PodSeries("ns", "p", "m", "r");
        double[] bounds = [1, double.PositiveInfinity];
        for (var s = 0; s <= 600; s += 2)
        {
            series.Add(Sample(s, bounds, s), TimeSpan.FromSeconds(60));
        }

        Assert.Equal(31, series.Count);                        // 540 s .. 600 s
        Assert.InRange(series.Capacity, 32, 40);
        var range = series.Range(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal(T0.AddSeconds(540), range[0].At);
        Assert.Equal(60, range.BucketIncrease(0, 30, 0));
    }

    [Fact]
    public void A_sample_whose_counts_do_not_match_its_bounds_is_refused()
    {
        var series = new PodSeries("ns", "p", "m", "r");
        var bad = new PodSample(T0, 1, 0, 0, 0, 0, double.NaN, [1, double.PositiveInfinity], [1], true, null);

        Assert.Throws<ArgumentException>(() => series.Add(bad, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Arrays_shrink_when_the_keep_does()
    {
        var series = new PodSeries("ns", "p", "m", "r");
        double[] bounds = [1, double.PositiveInfinity];
        var s = 0;
        for (; s <= 300; s += 2)
        {
            series.Add(Sample(s, bounds, s), TimeSpan.FromMinutes(3));
        }

        Assert.InRange(series.Capacity, 91, 110);
        for (; s <= 400; s += 2)
        {
            series.Add(Sample(s, bounds, s), TimeSpan.FromSeconds(60));
        }

        Assert.Equal(31, series.Count);
        Assert.InRange(series.Capacity, 32, 80);
        var range = series.Range(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal(60, range.BucketIncrease(0, 30, 1));
    }
}
