using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Tests.Monitoring;

public sealed class CounterMathTests
{
    [Fact]
    public void A_drop_is_a_reset_and_the_new_value_is_all_increase()
    {
        // 10 → 30 (+20), restart → 5 (+5), → 15 (+10)
        Assert.Equal(35, CounterMath.Increase([10, 30, 5, 15]));
    }

    [Fact]
    public void Fewer_than_two_points_have_no_increase()
    {
        Assert.True(double.IsNaN(CounterMath.Increase([4])));
        Assert.True(double.IsNaN(CounterMath.ExtrapolatedIncrease([1], [4], 0, 10)));
    }

    [Fact]
    public void Samples_covering_the_window_at_regular_intervals_extrapolate_to_its_edges()
    {
        // Samples at 1, 3, 5, 7, 9 in a [0, 10] window, +2 each: 8 sampled over 8 s, extrapolated by 1 s at each end.
        var increase = CounterMath.ExtrapolatedIncrease([1, 3, 5, 7, 9], [102, 104, 106, 108, 110], 0, 10);

        Assert.Equal(10, increase, 9);
    }

    [Fact]
    public void Extrapolation_towards_the_start_stops_where_the_counter_would_be_zero()
    {
        // A pod that started at ~t=1.5: 1 at t=2, 5 at t=4; going back 2 s would reach -1.
        var increase = CounterMath.ExtrapolatedIncrease([2, 4], [1, 5], 0, 4);

        Assert.Equal(5, increase, 9);
    }

    [Fact]
    public void A_gap_larger_than_the_sample_interval_is_extrapolated_by_half_an_interval_only()
    {
        // Samples at 8 and 10 in a [0, 10] window: 2 s sampled, start extended by 1 s (half the interval), not 8.
        var increase = CounterMath.ExtrapolatedIncrease([8, 10], [100, 104], 0, 10);

        Assert.Equal(6, increase, 9);
    }
}
