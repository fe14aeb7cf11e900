using AiOperator.ModelServer.Batching;
using AiOperator.ModelServer.Metrics;
using AiOperator.ModelServer.Protocol;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AiOperator.ModelServer.Tests.Batching;

public sealed class ExecutionThreadsTests
{
    // 64 slots: more than every other scheduler of this test run reserves at once, so the minimum can only
    // be that high because this scheduler raised it.
    [Fact]
    public async Task A_scheduler_keeps_a_pool_thread_per_core_free_beside_its_busy_slots()
    {
        var time = new FakeTimeProvider();
        var metrics = new ServerMetrics("m", "1", new BusyRatio(time, TimeSpan.FromSeconds(10)), null);
        await using (new InferenceScheduler(new NoRunner(), new SchedulerOptions(false, 1, TimeSpan.Zero, 10, 64), metrics, time))
        {
            ThreadPool.GetMinThreads(out var workers, out _);
            Assert.True(workers >= Environment.ProcessorCount + 64, $"minimum {workers} worker threads");
        }
    }

    private sealed class NoRunner : IModelRunner
    {
        public List<InferenceTensor> Run(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> outputNames) =>
            throw new InvalidOperationException("not run in this test");
    }
}
