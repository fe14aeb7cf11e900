using AiOperator.Benchmarks.Autoscaling;

namespace AiOperator.Operator.Tests.Autoscaling;

// The autoscaler benchmark's HPA model against the algorithm Kubernetes documents (horizontal pod
// autoscaling, "Algorithm details" and "Default behavior"), on cases small enough to work by hand.
public sealed class HpaModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static HpaModel Hpa() => new(new HpaSettings(Target: 100, MinReplicas: 1, MaxReplicas: 50));

    [Fact]
    public void Desired_is_ceil_of_current_times_metric_over_target()
    {
        // The documentation's example: 200m against a 100m target doubles the replicas.
        Assert.Equal(6, Hpa().Sync(T0, 3, [200, 200, 200]));
        // ceil(4 × 130 / 100) = ceil(5.2) = 6
        Assert.Equal(6, Hpa().Sync(T0, 4, [130, 130, 130, 130]));
    }

    [Fact]
    public void A_ratio_within_the_ten_percent_tolerance_changes_nothing()
    {
        Assert.Equal(4, Hpa().Sync(T0, 4, [109, 109, 109, 109]));
        Assert.Equal(4, Hpa().Sync(T0, 4, [91, 91, 91, 91]));
        Assert.Equal(5, Hpa().Sync(T0, 4, [111, 111, 111, 111]));
    }

    [Fact]
    public void Scale_up_is_limited_to_the_larger_of_double_and_four_more_per_fifteen_seconds()
    {
        var hpa = Hpa();

        // 1 pod at 10× the target asks for 10; the limit is max(ceil(1 × 2), 1 + 4) = 5.
        Assert.Equal(5, hpa.Sync(T0, 1, [1000]));
        // 5 s later the period still holds the +4: the start of the period had 1 pod, so 5 is the limit.
        Assert.Equal(5, hpa.Sync(T0.AddSeconds(5), 5, [1000, 1000, 1000, 1000, 1000]));
        // One sync period after the first: max(5 × 2, 5 + 4) = 10, and 5 pods at 10× ask for 50.
        Assert.Equal(10, hpa.Sync(T0.AddSeconds(15), 5, [1000, 1000, 1000, 1000, 1000]));
        // From 10: max(20, 14) = 20.
        Assert.Equal(20, hpa.Sync(T0.AddSeconds(30), 10, Enumerable.Repeat(1000.0, 10).ToList()));
    }

    [Fact]
    public void Scale_down_waits_for_the_highest_recommendation_of_the_last_300_seconds()
    {
        var hpa = Hpa();
        Assert.Equal(10, hpa.Sync(T0, 10, Enumerable.Repeat(100.0, 10).ToList()));

        // Load halves: the recommendation is 5, but 10 was recommended within 300 s.
        for (var t = 15; t < 300; t += 15)
        {
            Assert.Equal(10, hpa.Sync(T0.AddSeconds(t), 10, Enumerable.Repeat(50.0, 10).ToList()));
        }

        // The recommendation of t=0 leaves the window: straight down (the default -100 % per 15 s does not limit it).
        Assert.Equal(5, hpa.Sync(T0.AddSeconds(300), 10, Enumerable.Repeat(50.0, 10).ToList()));
    }

    [Fact]
    public void Missing_metrics_count_as_zero_on_scale_up_and_as_the_target_on_scale_down()
    {
        // Two pods at 2× and two without metrics: (200 + 200 + 0 + 0) / 4 = 100, on target, so no change.
        Assert.Equal(4, Hpa().Sync(T0, 4, [200, 200, double.NaN, double.NaN]));
        // Two at 300 and two missing: 600 / 4 = 150 → ceil(1.5 × 4) = 6.
        Assert.Equal(6, Hpa().Sync(T0, 4, [300, 300, double.NaN, double.NaN]));
        // Scale-down: two at 20, two missing taken at the target: (20 + 20 + 100 + 100) / 4 = 60 → ceil(0.6 × 4) = 3.
        Assert.Equal(3, Hpa().Sync(T0, 4, [20, 20, double.NaN, double.NaN]));
    }

    [Fact]
    public void No_metrics_at_all_and_out_of_bounds_counts()
    {
        Assert.Equal(3, Hpa().Sync(T0, 3, [double.NaN, double.NaN]));
        Assert.Equal(3, Hpa().Sync(T0, 3, []));
        Assert.Equal(50, Hpa().Sync(T0, 60, [100]));
        Assert.Equal(0, Hpa().Sync(T0, 0, [100]));
    }
}
