using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Tests.Monitoring;

public sealed class PodSeriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static PodSample Sample(int second, double[] bounds, double requests = 1) =>
        new(T0.AddSeconds(second), requests, 0, 0.01, 0, 0, double.NaN, bounds, [.. bounds.Select(_ => requests)], true, null);

    [Fact]
    public void Samples_older_than_the_retention_are_dropped_and_late_ones_ignored()
    {
        var series = new PodSeries("ns", "p", "m", "1-abc");
        double[] bounds = [1, double.PositiveInfinity];
        series.Add(Sample(0, bounds), TimeSpan.FromSeconds(10));
        series.Add(Sample(8, bounds), TimeSpan.FromSeconds(10));
        series.Add(Sample(6, bounds), TimeSpan.FromSeconds(10));
        series.Add(Sample(12, bounds), TimeSpan.FromSeconds(10));

        Assert.Equal([T0.AddSeconds(8), T0.AddSeconds(12)], series.Samples.Select(s => s.At));
    }
}
