using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Tests.Monitoring;

public sealed class ServingMetricsPublicationTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    [Fact]
    public void The_first_figures_are_published_rounded_and_NaN_is_left_out()
    {
        var published = ServingMetricsPublication.Decide(null, Window(rps: 120.4567, p95: double.NaN), T0.AddMilliseconds(700), Interval)!;

        Assert.Equal(120.46, published.RequestsPerSecond);
        Assert.Null(published.LatencyP95Ms);
        Assert.Equal(T0.UtcDateTime, published.SampledAt);
    }

    [Fact]
    public void Nothing_within_the_interval_even_when_figures_change()
    {
        var published = ServingMetricsPublication.From(Window(rps: 100), T0);

        Assert.Null(ServingMetricsPublication.Decide(published, Window(rps: 500), T0.AddSeconds(14), Interval));
        Assert.NotNull(ServingMetricsPublication.Decide(published, Window(rps: 500), T0.AddSeconds(15), Interval));
    }

    [Fact]
    public void Only_a_meaningful_change_is_published_after_the_interval()
    {
        var published = ServingMetricsPublication.From(Window(rps: 100, p95: 20), T0);
        var later = T0.AddMinutes(5);

        Assert.Null(ServingMetricsPublication.Decide(published, Window(rps: 105, p95: 21), later, Interval));     // noise
        Assert.NotNull(ServingMetricsPublication.Decide(published, Window(rps: 125, p95: 20), later, Interval));  // +25 % rps
        Assert.NotNull(ServingMetricsPublication.Decide(published, Window(rps: 100, p95: 40), later, Interval));  // latency doubled
        Assert.NotNull(ServingMetricsPublication.Decide(published, Window(rps: 100, p95: double.NaN), later, Interval)); // figure gone
        Assert.Null(ServingMetricsPublication.Decide(published, null, later, Interval));                          // no window: keep
    }

    [Fact]
    public void Small_absolute_moves_of_tiny_figures_are_not_meaningful()
    {
        var published = ServingMetricsPublication.From(Window(rps: 0.2), T0);

        Assert.Null(ServingMetricsPublication.Decide(published, Window(rps: 0.4), T0.AddMinutes(1), Interval));
    }

    private static RevisionMetrics Window(double rps, double p95 = 20) =>
        new(rps * 60, rps, 0.001, p95 / 2, p95, p95 * 2, 1.5, 0.4, 2, 0, T0);
}
