using AiOperator.ControllerRuntime.Events;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.ControllerRuntime.Tests.Events;

public sealed class EventSpamFilterTests
{
    [Fact]
    public void Each_object_gets_25_events_then_one_per_five_minutes()
    {
        var time = new FakeTimeProvider();
        var filter = new EventSpamFilter(time);

        Assert.Equal(25, Enumerable.Range(0, 40).Count(_ => filter.Allow("ns/a")));
        Assert.True(filter.Allow("ns/b"));

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(filter.Allow("ns/a"));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(filter.Allow("ns/a"));
        Assert.False(filter.Allow("ns/a"));
    }

    [Fact]
    public void Forgets_the_least_recently_used_objects_beyond_its_capacity()
    {
        var time = new FakeTimeProvider();
        var filter = new EventSpamFilter(time, burst: 1, capacity: 2);
        Assert.True(filter.Allow("a"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(filter.Allow("b"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(filter.Allow("c"));

        // "a" was evicted, so it starts with a fresh budget; "c" was not.
        Assert.True(filter.Allow("a"));
        Assert.False(filter.Allow("c"));
    }
}
