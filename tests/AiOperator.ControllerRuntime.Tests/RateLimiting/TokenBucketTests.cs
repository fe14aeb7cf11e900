using AiOperator.ControllerRuntime.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.ControllerRuntime.Tests.RateLimiting;

public sealed class TokenBucketTests
{
    [Fact]
    public void Burst_is_free_then_tokens_come_at_the_rate()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(ratePerSecond: 10, burst: 3, time);

        Assert.True(bucket.TryTake());
        Assert.True(bucket.TryTake());
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());

        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
    }

    [Fact]
    public void Reservations_queue_up_behind_each_other()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(ratePerSecond: 2, burst: 1, time);

        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.FromMilliseconds(500), bucket.Reserve());
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve());
    }

    [Fact]
    public void Idle_time_refills_only_up_to_the_burst()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(ratePerSecond: 100, burst: 2, time);
        bucket.TryTake();
        bucket.TryTake();

        time.Advance(TimeSpan.FromHours(1));

        Assert.True(bucket.TryTake());
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
    }

    [Fact]
    public async Task WaitAsync_waits_on_the_time_provider()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(ratePerSecond: 1, burst: 1, time);
        await bucket.WaitAsync(CancellationToken.None);

        var second = bucket.WaitAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
