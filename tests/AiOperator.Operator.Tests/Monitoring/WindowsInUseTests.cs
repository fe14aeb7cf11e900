using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Tests.Monitoring;

public sealed class WindowsInUseTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Before_any_read_the_whole_limit_is_kept()
    {
        Assert.Equal(TimeSpan.FromMinutes(3), new WindowsInUse(TimeSpan.FromMinutes(3)).Longest(T0));
    }

    [Fact]
    public void The_longest_window_read_within_the_limit_is_kept_and_capped_at_the_limit()
    {
        var windows = new WindowsInUse(TimeSpan.FromMinutes(3));
        windows.Read(TimeSpan.FromSeconds(6), T0);
        windows.Read(TimeSpan.FromSeconds(60), T0);
        Assert.Equal(TimeSpan.FromSeconds(60), windows.Longest(T0));

        windows.Read(TimeSpan.FromSeconds(120), T0.AddSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(120), windows.Longest(T0.AddSeconds(10)));

        windows.Read(TimeSpan.FromHours(1), T0.AddSeconds(20));
        Assert.Equal(TimeSpan.FromMinutes(3), windows.Longest(T0.AddSeconds(20)));
    }

    [Fact]
    public void A_window_no_longer_read_stops_counting_after_the_limit()
    {
        var windows = new WindowsInUse(TimeSpan.FromMinutes(3));
        windows.Read(TimeSpan.FromSeconds(120), T0);
        for (var s = 0; s <= 300; s += 2)
        {
            windows.Read(TimeSpan.FromSeconds(60), T0.AddSeconds(s));
        }

        Assert.Equal(TimeSpan.FromSeconds(120), windows.Longest(T0.AddMinutes(3)));
        Assert.Equal(TimeSpan.FromSeconds(60), windows.Longest(T0.AddMinutes(3).AddSeconds(2)));
    }

    [Fact]
    public void When_nothing_was_read_within_the_limit_the_whole_limit_is_kept_again()
    {
        var windows = new WindowsInUse(TimeSpan.FromMinutes(3));
        windows.Read(TimeSpan.FromSeconds(60), T0);
        windows.Read(TimeSpan.Zero, T0.AddMinutes(5));

        Assert.Equal(TimeSpan.FromMinutes(3), windows.Longest(T0.AddMinutes(5)));
    }
}
