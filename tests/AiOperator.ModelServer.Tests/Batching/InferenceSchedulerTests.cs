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
    /// <summary>Doubles every byte; records the row count of each run.</summary>
    private sealed class RecordingRunner(Exception? fail = null) : IModelRunner
    {
        public List<long> Runs { get; } = [];

        public List<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames)
        {
            lock (Runs)
            {
                Runs.Add(inputs[0].Shape[0]);
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

    [Fact]
    public async Task Compatible_requests_within_the_queue_delay_share_one_run_and_get_their_own_rows()
    {
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner();
        var (scheduler, metrics) = Create(runner, time);
        await using var owned = scheduler;
        var tasks = new[] { scheduler.InferAsync(Request(1, 1)), scheduler.InferAsync(Request(2, 2)), scheduler.InferAsync(Request(1, 3)) };
        Assert.Equal(3, metrics.Pending);

        await AdvanceUntil(time, () => tasks.All(t => t.IsCompleted));
        Assert.Equal([4L], runner.Runs);
        Assert.Equal(new byte[] { 2, 2 }, (await tasks[0]).Single().Bytes.ToArray());
        Assert.Equal(new byte[] { 4, 4, 4, 4 }, (await tasks[1]).Single().Bytes.ToArray());
        Assert.Equal(new byte[] { 6, 6 }, (await tasks[2]).Single().Bytes.ToArray());
        Assert.Equal(1, metrics.Executions);
        Assert.Equal(4, metrics.Inferences);
        Assert.Equal(0, metrics.Pending);
    }

    [Fact]
    public async Task A_full_batch_runs_without_waiting_for_the_delay()
    {
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner();
        var (scheduler, _) = Create(runner, time, maxBatch: 4, delayMs: 3_600_000);
        await using var owned = scheduler;
        var tasks = Enumerable.Range(0, 4).Select(i => scheduler.InferAsync(Request(1, (byte)i))).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([4L], runner.Runs);
    }

    [Fact]
    public async Task Incompatible_shapes_run_separately_and_none_is_lost()
    {
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner();
        var (scheduler, _) = Create(runner, time);
        await using var owned = scheduler;
        var tasks = new[] { scheduler.InferAsync(Request(1, 1, cols: 2)), scheduler.InferAsync(Request(1, 2, cols: 3)), scheduler.InferAsync(Request(1, 3, cols: 2)) };
        await AdvanceUntil(time, () => tasks.All(t => t.IsCompleted));
        var results = await Task.WhenAll(tasks);
        Assert.Equal([2L, 1L], runner.Runs.Order().Reverse());
        Assert.Equal(new byte[] { 2, 2 }, results[0].Single().Bytes.ToArray());
        Assert.Equal(new byte[] { 4, 4, 4 }, results[1].Single().Bytes.ToArray());
        Assert.Equal(new byte[] { 6, 6 }, results[2].Single().Bytes.ToArray());
    }

    [Fact]
    public async Task Full_queue_is_refused_with_503()
    {
        var time = new FakeTimeProvider();
        var runner = new RecordingRunner();
        var (scheduler, _) = Create(runner, time, maxBatch: 64, delayMs: 1000, maxQueue: 2);
        await using var owned = scheduler;
        var accepted = new[] { scheduler.InferAsync(Request(1, 1)), scheduler.InferAsync(Request(1, 1)) };
        var refused = Assert.Throws<InferenceException>(() => { _ = scheduler.InferAsync(Request(1, 1)); });
        Assert.Equal(503, refused.StatusCode);
        await AdvanceUntil(time, () => accepted.All(t => t.IsCompleted));
    }

    [Fact]
    public async Task Runner_failure_fails_every_request_of_the_batch_with_500()
    {
        var time = new FakeTimeProvider();
        var (scheduler, _) = Create(new RecordingRunner(new InvalidOperationException("device lost")), time);
        await using var owned = scheduler;
        var tasks = new[] { scheduler.InferAsync(Request(1, 1)), scheduler.InferAsync(Request(1, 2)) };
        await AdvanceUntil(time, () => tasks.All(t => t.IsCompleted));
        foreach (var t in tasks)
        {
            var ex = await Assert.ThrowsAsync<InferenceException>(() => t);
            Assert.Equal(500, ex.StatusCode);
            Assert.Contains("device lost", ex.Message, StringComparison.Ordinal);
        }
    }
}
