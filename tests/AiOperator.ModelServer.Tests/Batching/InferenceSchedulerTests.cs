using AiOperator.ModelServer.Batching;
using AiOperator.ModelServer.Metrics;
using AiOperator.ModelServer.Protocol;
using AiOperator.ModelServer.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace AiOperator.ModelServer.Tests.Batching;

public sealed class InferenceSchedulerTests
{
    /// <summary>Doubles every byte; records the row count of each run; the first run can be held on a gate.</summary>
    private sealed class RecordingRunner(Exception? fail = null, bool holdFirst = false) : IModelRunner
    {
        private readonly ManualResetEventSlim _gate = new(!holdFirst);
        private readonly ManualResetEventSlim _firstStarted = new(false);

        public List<long> Runs { get; } = [];

        /// <summary>Waits until the first run is executing (and, with holdFirst, blocked on the gate).</summary>
        public void WaitFirstStarted() => Assert.True(_firstStarted.Wait(TimeSpan.FromSeconds(10)), "the first run did not start");

        public void Open() => _gate.Set();

        public List<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames)
        {
            bool first;
            lock (Runs)
            {
                first = Runs.Count == 0;
                Runs.Add(inputs[0].Shape[0]);
            }

            if (first)
            {
                _firstStarted.Set();
                Assert.True(_gate.Wait(TimeSpan.FromSeconds(30)), "the gate was never opened");
            }

            if (fail is not null)
            {
                throw fail;
            }

            var x = inputs[0];
            return [InferenceTensor.Numeric(outputNames[0], x.ElementType, x.Shape, x.Bytes.ToArray().Select(b => (byte)(b * 2)).ToArray())];
        }
    }

    private static InferRequest Request(long rows, byte value, int cols = 2) =>
        new(null, [InferenceTensor.Numeric("x", TensorElementType.UInt8, [rows, cols], Enumerable.Repeat(value, (int)(rows * cols)).ToArray())],
            [new RequestedOutput("y", false)]);

    private static (InferenceScheduler Scheduler, ServerMetrics Metrics) Create(IModelRunner runner, TimeProvider time, int maxBatch = 8, int delayMs = 100, int maxQueue = 100)
    {
        var metrics = new ServerMetrics("m", "1", new BusyRatio(time, TimeSpan.FromSeconds(10)), null);
        return (new InferenceScheduler(runner, new SchedulerOptions(true, maxBatch, TimeSpan.FromMilliseconds(delayMs), maxQueue, 1), metrics, time), metrics);
    }

    private static async Task AdvanceUntil(FakeTimeProvider time, Func<bool> done) =>
        await Eventually.TrueAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            return done();
        }, "scheduler to run", TimeSpan.FromSeconds(10));

    /// <summary>Starts a request that holds the only slot (blocked in the runner) and returns once it runs.</summary>
    private static Task<List<InferenceTensor>> Occupy(InferenceScheduler scheduler, RecordingRunner runner)
    {
        var busy = Task.Run(() => scheduler.InferAsync(Request(1, 9)));
        runner.WaitFirstStarted();
        return busy;
    }

    [Fact]
    public async Task A_request_arriving_at_a_free_slot_runs_at_once_without_any_timer()
    {
        // An hour of queue delay and a clock that never moves: if the lone request waited on the delay
        // (or on any timer) it would never complete.
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner();
        var (scheduler, metrics) = Create(runner, time, delayMs: 3_600_000);
        await using var owned = scheduler;

        var task = scheduler.InferAsync(Request(1, 1));
        Assert.True(task.IsCompletedSuccessfully, "a request at a free slot runs before InferAsync returns");
        Assert.Equal(new byte[] { 2, 2 }, (await task).Single().Bytes.ToArray());
        var second = scheduler.InferAsync(Request(2, 3));
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal([1L, 2L], runner.Runs);
        Assert.Equal(0, metrics.Pending);
        Assert.Equal(2, metrics.Executions);
    }

    [Fact]
    public async Task Requests_that_queued_while_the_slot_was_busy_share_one_run_and_get_their_own_rows()
    {
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner(holdFirst: true);
        var (scheduler, metrics) = Create(runner, time, delayMs: 0);
        await using var owned = scheduler;
        var busy = Occupy(scheduler, runner);
        var tasks = new[] { scheduler.InferAsync(Request(1, 1)), scheduler.InferAsync(Request(2, 2)), scheduler.InferAsync(Request(1, 3)) };
        Assert.Equal(3, metrics.Pending);
        Assert.All(tasks, t => Assert.False(t.IsCompleted));

        // Delay 0: the slot takes what queued as soon as it frees, with no timer.
        runner.Open();
        await Task.WhenAll(tasks.Append(busy)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1L, 4L], runner.Runs);
        Assert.Equal(new byte[] { 2, 2 }, (await tasks[0]).Single().Bytes.ToArray());
        Assert.Equal(new byte[] { 4, 4, 4, 4 }, (await tasks[1]).Single().Bytes.ToArray());
        Assert.Equal(new byte[] { 6, 6 }, (await tasks[2]).Single().Bytes.ToArray());
        Assert.Equal(2, metrics.Executions);
        Assert.Equal(5, metrics.Inferences);
        Assert.Equal(0, metrics.Pending);
    }

    [Fact]
    public async Task With_every_slot_busy_a_partial_batch_waits_out_the_queue_delay_for_more()
    {
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner(holdFirst: true);
        var (scheduler, _) = Create(runner, time, delayMs: 100);
        await using var owned = scheduler;
        var busy = Occupy(scheduler, runner);
        var early = scheduler.InferAsync(Request(1, 1));
        // Another request is being received: the partial batch has something to wait for.
        scheduler.BeginArrival();
        runner.Open();
        await busy.WaitAsync(TimeSpan.FromSeconds(10));

        // The queued request waits (the clock has not moved); the one arriving meanwhile joins its batch.
        var late = scheduler.InferAsync(Request(1, 2));
        scheduler.EndArrival();
        Assert.False(early.IsCompleted);
        await AdvanceUntil(time, () => early.IsCompleted && late.IsCompleted);
        Assert.Equal([1L, 2L], runner.Runs);
        Assert.Equal(new byte[] { 4, 4 }, (await late).Single().Bytes.ToArray());
    }

    [Fact]
    public async Task A_partial_batch_with_nothing_else_arriving_runs_without_waiting_for_the_delay()
    {
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner(holdFirst: true);
        var (scheduler, _) = Create(runner, time, maxBatch: 8, delayMs: 3_600_000);
        await using var owned = scheduler;
        var busy = Occupy(scheduler, runner);
        var queued = scheduler.InferAsync(Request(1, 1));
        runner.Open();

        // The clock never moves: only running at once, not the hour-long delay, completes it.
        await Task.WhenAll(busy, queued).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1L, 1L], runner.Runs);
    }

    [Fact]
    public async Task A_full_batch_runs_without_waiting_for_the_delay()
    {
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner(holdFirst: true);
        var (scheduler, _) = Create(runner, time, maxBatch: 4, delayMs: 3_600_000);
        await using var owned = scheduler;
        var busy = Occupy(scheduler, runner);
        var tasks = Enumerable.Range(0, 4).Select(i => scheduler.InferAsync(Request(1, (byte)i))).ToArray();
        runner.Open();
        await Task.WhenAll(tasks.Append(busy)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1L, 4L], runner.Runs);
    }

    [Fact]
    public async Task Incompatible_shapes_run_separately_and_none_is_lost()
    {
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner(holdFirst: true);
        var (scheduler, _) = Create(runner, time);
        await using var owned = scheduler;
        var busy = Occupy(scheduler, runner);
        var tasks = new[] { scheduler.InferAsync(Request(1, 1, cols: 2)), scheduler.InferAsync(Request(1, 2, cols: 3)), scheduler.InferAsync(Request(1, 3, cols: 2)) };
        runner.Open();
        await AdvanceUntil(time, () => tasks.All(t => t.IsCompleted) && busy.IsCompleted);
        var results = await Task.WhenAll(tasks);
        Assert.Equal([1L, 2L, 1L], runner.Runs);
        Assert.Equal(new byte[] { 2, 2 }, results[0].Single().Bytes.ToArray());
        Assert.Equal(new byte[] { 4, 4, 4 }, results[1].Single().Bytes.ToArray());
        Assert.Equal(new byte[] { 6, 6 }, results[2].Single().Bytes.ToArray());
    }

    [Fact]
    public async Task Full_queue_is_refused_with_503()
    {
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner(holdFirst: true);
        var (scheduler, _) = Create(runner, time, maxBatch: 64, delayMs: 1000, maxQueue: 2);
        await using var owned = scheduler;
        // The running request has left the queue: two more fit, the third does not.
        var busy = Occupy(scheduler, runner);
        var accepted = new[] { scheduler.InferAsync(Request(1, 1)), scheduler.InferAsync(Request(1, 1)) };
        var refused = Assert.Throws<InferenceException>(() => { _ = scheduler.InferAsync(Request(1, 1)); });
        Assert.Equal(503, refused.StatusCode);
        runner.Open();
        await AdvanceUntil(time, () => accepted.All(t => t.IsCompleted) && busy.IsCompleted);
    }

    [Fact]
    public async Task Runner_failure_fails_every_request_of_the_batch_with_500()
    {
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner(new InvalidOperationException("device lost"), holdFirst: true);
        var (scheduler, _) = Create(runner, time);
        await using var owned = scheduler;
        var busy = Occupy(scheduler, runner);
        var tasks = new[] { scheduler.InferAsync(Request(1, 1)), scheduler.InferAsync(Request(1, 2)) };
        runner.Open();
        await AdvanceUntil(time, () => tasks.All(t => t.IsCompleted) && busy.IsCompleted);
        Assert.Equal([1L, 2L], runner.Runs);
        foreach (var t in tasks)
        {
            var ex = await Assert.ThrowsAsync<InferenceException>(() => t);
            Assert.Equal(500, ex.StatusCode);
            Assert.Contains("device lost", ex.Message, StringComparison.Ordinal);
        }
    }
}
