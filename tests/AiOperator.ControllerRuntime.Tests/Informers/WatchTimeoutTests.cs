using AiOperator.ControllerRuntime.Informers;

namespace AiOperator.ControllerRuntime.Tests.Informers;

public sealed class WatchTimeoutTests
{
    [Fact]
    public void Stays_within_five_to_ten_minutes_and_varies()
    {
        var random = new Random(42);
        var seen = new HashSet<int>();
        for (var i = 0; i < 1000; i++)
        {
            var seconds = WatchTimeout.NextSeconds(random, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
            Assert.InRange(seconds, 300, 600);
            seen.Add(seconds);
        }

        Assert.True(seen.Count > 100, $"only {seen.Count} distinct timeouts");
        Assert.Contains(300, seen);
        Assert.Contains(600, seen);
    }

    [Fact]
    public void Rejects_an_inverted_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WatchTimeout.NextSeconds(new Random(1), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5)));
    }
}
