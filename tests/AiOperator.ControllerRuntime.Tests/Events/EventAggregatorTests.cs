using AiOperator.ControllerRuntime.Events;

namespace AiOperator.ControllerRuntime.Tests.Events;

public sealed class EventAggregatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Repeats_within_the_window_bump_the_count_of_one_event()
    {
        var aggregator = new EventAggregator(100, TimeSpan.FromMinutes(10));
        var key = Key("SpecInvalid");

        var first = aggregator.Observe(key, T0);
        var second = aggregator.Observe(key, T0.AddMinutes(3));
        var third = aggregator.Observe(key, T0.AddMinutes(12));

        Assert.True(first.Create);
        Assert.Equal(1, first.Count);
        Assert.False(second.Create);
        Assert.Equal(first.Name, second.Name);
        Assert.Equal(2, second.Count);
        Assert.Equal(T0, second.FirstSeen);
        Assert.Equal(3, third.Count);
    }

    [Fact]
    public void A_gap_longer_than_the_window_starts_a_new_event()
    {
        var aggregator = new EventAggregator(100, TimeSpan.FromMinutes(10));
        var key = Key("SpecInvalid");

        var first = aggregator.Observe(key, T0);
        var later = aggregator.Observe(key, T0.AddMinutes(11));

        Assert.True(later.Create);
        Assert.NotEqual(first.Name, later.Name);
        Assert.Equal(1, later.Count);
    }

    [Fact]
    public void Different_messages_are_different_events()
    {
        var aggregator = new EventAggregator(100, TimeSpan.FromMinutes(10));

        var a = aggregator.Observe(Key("R", "one"), T0);
        var b = aggregator.Observe(Key("R", "two"), T0);

        Assert.True(b.Create);
        Assert.NotEqual(a.Name, b.Name);
        Assert.StartsWith("resnet.", a.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Memory_is_bounded_by_forgetting_the_least_recently_seen()
    {
        var aggregator = new EventAggregator(3, TimeSpan.FromMinutes(10));
        for (var i = 0; i < 10; i++)
        {
            aggregator.Observe(Key($"R{i}"), T0.AddSeconds(i));
        }

        Assert.Equal(3, aggregator.Tracked);
        Assert.True(aggregator.Observe(Key("R0"), T0.AddSeconds(20)).Create);
        Assert.False(aggregator.Observe(Key("R9"), T0.AddSeconds(21)).Create);
    }

    private static EventKey Key(string reason, string message = "m") => new("uid-1", "vision", "resnet", "Warning", reason, message);
}
