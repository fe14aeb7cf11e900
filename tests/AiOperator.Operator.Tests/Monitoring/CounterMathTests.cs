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
    }
}
