using AiOperator.Trainer.Tests.Support;
using Xunit;

namespace AiOperator.Trainer.Tests.Training;

/// <summary>A run interrupted after a checkpoint continues at the saved step and ends where an uninterrupted run ends.</summary>
public sealed class ResumeTests
{
    [Fact]
    public async Task An_interrupted_run_resumes_at_the_checkpoint_and_ends_with_the_same_weights()
    {
        using var uninterruptedDir = new TempDirectory();
        using var interruptedDir = new TempDirectory();
        var uninterrupted = await Gang.SoloAsync(epochs: 30, checkpointDir: uninterruptedDir.Path);

        using var stop = new CancellationTokenSource();
        var firstLog = new LineLog();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Gang.SoloAsync(epochs: 30, checkpointDir: interruptedDir.Path, log: firstLog,
            checkpointWritten: step => { if (step == 120) { stop.Cancel(); } }, ct: stop.Token));
        Assert.Contains("checkpoint step 120 written", firstLog.Lines);
        Assert.DoesNotContain(firstLog.Lines, l => l.Contains("step 160", StringComparison.Ordinal));

        var secondLog = new LineLog();
        var steps = new List<long>();
        var resumed = await Gang.SoloAsync(epochs: 30, checkpointDir: interruptedDir.Path, log: secondLog, checkpointWritten: steps.Add);

        Assert.Contains(secondLog.Lines, l => l.StartsWith("rank 0: resumed from checkpoint step 120 ", StringComparison.Ordinal));
        Assert.Equal(120, resumed.ResumedFromStep);
        Assert.Equal([160, 200, 240], steps);              // 121..240 trained, 1..120 not redone
        Assert.Equal(uninterrupted.State.Parameters, resumed.State.Parameters);   // bit for bit
        Assert.Equal(uninterrupted.State.FirstMoment, resumed.State.FirstMoment);
        Assert.Equal(uninterrupted.State.SecondMoment, resumed.State.SecondMoment);
    }

    [Fact]
    public async Task A_gang_resumes_from_rank_0s_checkpoint_and_every_rank_says_so()
    {
        using var dir = new TempDirectory();
        using var stop = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Gang.SoloAsync(epochs: 30, checkpointDir: dir.Path,
            checkpointWritten: step => { if (step == 80) { stop.Cancel(); } }, ct: stop.Token));
        var uninterrupted = await Gang.SoloAsync(epochs: 30);

        LineLog[] logs = [new(), new()];
        var gang = await Gang.RunAsync(ranks: 2, epochs: 30, checkpointDir: dir.Path, logs: logs);

        Assert.Contains(logs[0].Lines, l => l.StartsWith("rank 0: resumed from checkpoint step 80 ", StringComparison.Ordinal));
        Assert.Contains(logs[1].Lines, l => l.StartsWith("rank 1: resumed from checkpoint step 80 ", StringComparison.Ordinal));
        TrainingRunTests.AssertClose(uninterrupted.State.Parameters, gang[1].State.Parameters);
    }

    [Fact]
    public async Task A_finished_run_restarted_trains_nothing_more()
    {
        using var dir = new TempDirectory();
        var first = await Gang.SoloAsync(epochs: 5, checkpointDir: dir.Path);
        var steps = new List<long>();
        var again = await Gang.SoloAsync(epochs: 5, checkpointDir: dir.Path, checkpointWritten: steps.Add);

        Assert.Empty(steps);
        Assert.Equal(first.State.Parameters, again.State.Parameters);
        Assert.Equal(40, again.ResumedFromStep);
    }
}
