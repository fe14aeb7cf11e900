using AiOperator.ControllerRuntime.Reconciliation;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.ControllerRuntime.Tests.Reconciliation;

public sealed class RecentCreatesTests
{
    [Fact]
    public void A_created_name_is_remembered_for_the_window_only()
    {
        var time = new FakeTimeProvider();
        var recent = new RecentCreates(time, TimeSpan.FromSeconds(30));

        recent.Remember("a");
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(recent.Contains("a"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(recent.Contains("a"));
    }

    [Fact]
    public void Expired_names_are_swept_as_a_burst_of_creates_grows_the_map()
    {
        var time = new FakeTimeProvider();
        var recent = new RecentCreates(time, TimeSpan.FromSeconds(30));
        for (var i = 0; i < 1000; i++)
        {
            recent.Remember($"old-{i}");
        }

        time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3000; i++)
        {
            recent.Remember($"new-{i}");
        }

        Assert.False(recent.Contains("old-0"));
        Assert.True(recent.Contains("new-0"));
        Assert.InRange(recent.Count, 3000, 3999);
    }
}
