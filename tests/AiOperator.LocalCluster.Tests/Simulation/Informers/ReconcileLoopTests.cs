using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Informers;

using AiOperator.LocalCluster.Simulation.Informers;

public sealed class ReconcileLoopTests
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(25);

    [Fact]
    public async Task A_burst_of_changes_is_taken_by_one_pass_per_interval_and_a_change_after_a_quiet_spell_at_once()
    {
        var time = new FakeTimeProvider();
        var passes = Channel.CreateUnbounded<int>();
        var count = 0;
        var informer = new SyncedInformer();
        var loop = new ReconcileLoop("test", _ => { passes.Writer.TryWrite(++count); return Task.CompletedTask; }, time, TimeSpan.FromHours(1), MinInterval, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = loop.RunAsync([informer], stop.Token);

        Assert.Equal(1, await NextPassAsync(passes));

        // Changes right after a pass wait for the interval, and coalesce into one pass.
        informer.Change();
        informer.Change();
        informer.Change();
        await AssertNoPassAsync(passes);
        time.Advance(MinInterval);
        Assert.Equal(2, await NextPassAsync(passes));

        // Long after the last pass, a change is handled without waiting.
        time.Advance(TimeSpan.FromSeconds(1));
        informer.Change();
        Assert.Equal(3, await NextPassAsync(passes));

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<int> NextPassAsync(Channel<int> passes) =>
        await passes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    // A negative check needs a window: no pass may come while fake time stands still.
    private static async Task AssertNoPassAsync(Channel<int> passes)
    {
        using var window = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        try
        {
            var pass = await passes.Reader.ReadAsync(window.Token);
            Assert.Fail($"pass {pass} ran before the interval was over");
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class SyncedInformer : IInformer
    {
        private Action? _onChange;

        public string Resource => "things";

        public Task Synced => Task.CompletedTask;

        public void Subscribe(Action onChange) => _onChange += onChange;

        public Task RunAsync(CancellationToken ct) => Task.CompletedTask;

        public void Change() => _onChange?.Invoke();
    }
}
