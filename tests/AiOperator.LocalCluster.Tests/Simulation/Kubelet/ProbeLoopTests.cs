using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Kubelet;

using AiOperator.LocalCluster.Simulation.Kubelet;

public sealed class ProbeLoopTests
{
    [Fact]
    public async Task Readiness_flips_only_after_the_thresholds()
    {
        var time = new FakeTimeProvider();
        var results = new Queue<string?>([null, null, "down", "down", "down", null]);
        var reports = new List<(bool Ok, int Attempt)>();
        var attempts = 0;
        using var cts = new CancellationTokenSource();
        var probe = new V1Probe { InitialDelaySeconds = 5, PeriodSeconds = 2, SuccessThreshold = 2, FailureThreshold = 3 };

        var loop = ProbeLoop.RunAsync(probe, _ =>
        {
            attempts++;
            return Task.FromResult(results.Count > 0 ? results.Dequeue() : null);
        }, (ok, _) => reports.Add((ok, attempts)), initial: false, time, cts.Token);

        await Until(() => attempts == 0 && !loop.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, attempts);
        time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => attempts == 1);

        time.Advance(TimeSpan.FromSeconds(2));
        await Until(() => reports.Count == 1);
        Assert.Equal([(true, 2)], reports);

        for (var i = 3; i <= 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await Until(() => attempts == i);
        }

        // Ready after the 2nd success, unready only at the 3rd failure in a row.
        await Until(() => reports.Count == 2);
        Assert.Equal([(true, 2), (false, 5)], reports);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    // Lets the loop's continuations run after FakeTimeProvider fires a timer.
    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Yield();
            Thread.Sleep(1);
        }

        Assert.True(condition());
    }
}
