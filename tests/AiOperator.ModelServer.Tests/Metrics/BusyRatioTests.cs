using AiOperator.ModelServer.Metrics;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AiOperator.ModelServer.Tests.Metrics;

public sealed class BusyRatioTests
{
    [Fact]
    public void Ratio_is_busy_time_over_wall_time_and_overlaps_count_once()
    {
        var time = new FakeTimeProvider();
        var busy = new BusyRatio(time, TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(1));
        busy.Enter();
        busy.Enter();
        time.Advance(TimeSpan.FromSeconds(1));
        busy.Exit();
        time.Advance(TimeSpan.FromSeconds(1));
        busy.Exit();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0.5, busy.Read(), 6);
    }

    [Fact]
    public void Old_activity_leaves_the_window()
    {
        var time = new FakeTimeProvider();
        var busy = new BusyRatio(time, TimeSpan.FromSeconds(10));
        busy.Enter();
        time.Advance(TimeSpan.FromSeconds(10));
        busy.Exit();
        Assert.Equal(1.0, busy.Read(), 6);
        for (var i = 0; i < 12; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            busy.Read();
        }

        Assert.Equal(0.0, busy.Read(), 6);
    }

    [Fact]
    public void A_run_still_going_counts_up_to_now()
    {
        var time = new FakeTimeProvider();
        var busy = new BusyRatio(time, TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(2));
        busy.Enter();
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0.5, busy.Read(), 6);
    }
}
