using AiOperator.ControllerRuntime.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.ControllerRuntime.Tests.RateLimiting;

public sealed class ExponentialBackoffTests
{
    [Fact]
    public void Doubles_from_5ms_per_key()
    {
        var backoff = new ExponentialBackoff<string>(RateLimiters.BackoffBase, RateLimiters.BackoffCap);

        Assert.Equal(TimeSpan.FromMilliseconds(5), backoff.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), backoff.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(20), backoff.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), backoff.When("b"));
        Assert.Equal(3, backoff.Failures("a"));
    }

    [Fact]
    public void Caps_at_1000_seconds_and_keeps_answering_after_thousands_of_failures()
    {
        var backoff = new ExponentialBackoff<string>(RateLimiters.BackoffBase, RateLimiters.BackoffCap);
        var last = TimeSpan.Zero;
        for (var i = 0; i < 5000; i++)
        {
            last = backoff.When("k");
            Assert.True(last > TimeSpan.Zero);
            Assert.True(last <= TimeSpan.FromSeconds(1000));
        }

        Assert.Equal(TimeSpan.FromSeconds(1000), last);
        Assert.Equal(5000, backoff.Failures("k"));
    }

    [Fact]
    public void Forget_starts_over()
    {
        var backoff = new ExponentialBackoff<string>(RateLimiters.BackoffBase, RateLimiters.BackoffCap);
        backoff.When("k");
        backoff.When("k");
        backoff.Forget("k");

        Assert.Equal(0, backoff.Failures("k"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), backoff.When("k"));
    }

    [Fact]
    public void Default_controller_limiter_takes_the_longer_of_backoff_and_bucket()
    {
        var time = new FakeTimeProvider();
        var limiter = RateLimiters.DefaultController<string>(time);

        // 100 distinct keys spend the bucket's burst at 5 ms each; the 101st waits for a token (100 ms at 10 qps).
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When($"k{i}"));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When("k100"));
    }
}
