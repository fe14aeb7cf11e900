using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Queues;
using AiOperator.ControllerRuntime.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.ControllerRuntime.Tests.Queues;

public sealed class WorkQueueTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ControllerMetrics _metrics = new();

    [Fact]
    public async Task Adds_of_the_same_key_collapse_into_one()
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await Next(queue));
        Assert.Equal("b", await Next(queue));
        Assert.Equal(2, _metrics.QueueAdds.Value("test"));
    }

    [Fact]
    public async Task A_key_being_processed_is_not_handed_out_again_until_done()
    {
        using var queue = NewQueue();
        queue.Add("a");
        var first = await Next(queue);

        queue.Add("a");
        Assert.Equal(0, queue.Count);
        var waiting = queue.GetAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        queue.Done(first);
        var (ok, again) = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(ok);
        Assert.Equal("a", again);
    }

    [Fact]
    public async Task Two_workers_never_hold_the_same_key()
    {
        using var queue = NewQueue();
        var holding = new HashSet<string>();
        var overlap = false;
        var handled = 0;
        using var stop = new CancellationTokenSource();
        async Task Worker()
        {
            while (true)
            {
                var (ok, key) = await queue.GetAsync(stop.Token);
                if (!ok)
                {
                    return;
                }

                lock (holding)
                {
                    overlap |= !holding.Add(key);
                }

                await Task.Yield();
                lock (holding)
                {
                    holding.Remove(key);
                    handled++;
                }

                queue.Done(key);
            }
        }

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(Worker)).ToArray();
        for (var i = 0; i < 2000; i++)
        {
            queue.Add($"k{i % 3}");
        }

        await WaitUntil(() => queue.Count == 0 && Enumerable.Range(0, 3).All(i => !queue.IsProcessing($"k{i}")));
        queue.ShutDown();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(overlap);
        Assert.True(handled >= 3);
    }

    [Fact]
    public async Task AddAfter_waits_for_the_clock_and_keeps_the_earlier_due_time()
    {
        using var queue = NewQueue();
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(3));
        Assert.Equal(0, queue.Count);
        Assert.Equal(1, queue.WaitingCount);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await Next(queue));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Failing_key_backs_off_exponentially_to_the_cap_and_is_never_dropped()
    {
        using var queue = new WorkQueue<string>("test", new ExponentialBackoff<string>(RateLimiters.BackoffBase, RateLimiters.BackoffCap), _time, _metrics);
        var expected = TimeSpan.FromMilliseconds(5);
        for (var attempt = 0; attempt < 30; attempt++)
        {
            queue.AddRateLimited("a");
            _time.Advance(expected - TimeSpan.FromTicks(1));
            Assert.Equal(0, queue.Count);
            _time.Advance(TimeSpan.FromTicks(1));
            Assert.Equal("a", await Next(queue));
            queue.Done("a");
            expected = expected * 2 > TimeSpan.FromSeconds(1000) ? TimeSpan.FromSeconds(1000) : expected * 2;
        }

        Assert.Equal(30, queue.Failures("a"));
        Assert.Equal(30, _metrics.QueueRetries.Value("test"));
        queue.Forget("a");
        Assert.Equal(0, queue.Failures("a"));
    }

    [Fact]
    public async Task ShutDown_releases_waiting_workers_and_refuses_new_items()
    {
        using var queue = NewQueue();
        var waiting = queue.GetAsync(CancellationToken.None);
        queue.ShutDown();

        var (ok, _) = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(ok);
        queue.Add("a");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Depth_metric_follows_the_queue()
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.Add("b");
        Assert.Equal(2, _metrics.QueueDepth.Value("test"));
    }

    private static async Task<string> Next(WorkQueue<string> queue)
    {
        var (ok, item) = await queue.GetAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(ok);
        return item;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met before the deadline");
            await Task.Yield();
        }
    }

    private WorkQueue<string> NewQueue() => new("test", new ExponentialBackoff<string>(RateLimiters.BackoffBase, RateLimiters.BackoffCap), _time, _metrics);
}
