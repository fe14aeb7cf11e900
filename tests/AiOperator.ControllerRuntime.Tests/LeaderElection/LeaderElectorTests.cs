using AiOperator.ControllerRuntime.LeaderElection;
using AiOperator.ControllerRuntime.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.ControllerRuntime.Tests.LeaderElection;

public sealed class LeaderElectorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly InMemoryLeaseStore _store = new();

    [Fact]
    public async Task First_elector_creates_the_lease_and_the_second_follows()
    {
        var a = Elector("a");
        var b = Elector("b");

        Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal("a", _store.Current!.HolderIdentity);
        Assert.Equal("a", b.ObservedHolder);
    }

    [Fact]
    public async Task A_renewing_leader_keeps_the_lease_however_long_it_runs()
    {
        var a = Elector("a");
        var b = Elector("b");
        await a.TryAcquireOrRenewAsync(CancellationToken.None);

        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));
            Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        }

        Assert.Equal(0, _store.Current!.LeaseTransitions);
    }

    [Fact]
    public async Task A_silent_leader_loses_the_lease_after_its_duration()
    {
        var a = Elector("a");
        var b = Elector("b");
        await a.TryAcquireOrRenewAsync(CancellationToken.None);
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await b.TryAcquireOrRenewAsync(CancellationToken.None));

        Assert.Equal("b", _store.Current!.HolderIdentity);
        Assert.Equal(1, _store.Current.LeaseTransitions);

        // The old leader comes back: it sees another holder and does not take the lease back.
        Assert.False(await a.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.False(a.IsLeader);
    }

    [Fact]
    public async Task Two_racing_takeovers_only_one_wins()
    {
        var a = Elector("a");
        var b = Elector("b");
        var c = Elector("c");
        await a.TryAcquireOrRenewAsync(CancellationToken.None);
        await b.TryAcquireOrRenewAsync(CancellationToken.None);
        await c.TryAcquireOrRenewAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(16));

        _store.HoldWrites = true;
        var tb = b.TryAcquireOrRenewAsync(CancellationToken.None);
        var tc = c.TryAcquireOrRenewAsync(CancellationToken.None);
        _store.HoldWrites = false;
        _store.ReleaseHeld();
        var results = await Task.WhenAll(tb, tc);

        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task RunAsync_leads_then_stops_leading_when_cancelled_and_releases_the_lease()
    {
        var metrics = new ControllerMetrics();
        var a = Elector("a", metrics);
        using var stop = new CancellationTokenSource();
        var led = new TaskCompletionSource();
        var leadingEnded = new TaskCompletionSource();

        var run = a.RunAsync(
            async leading =>
            {
                led.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, leading);
                }
                finally
                {
                    leadingEnded.TrySetResult();
                }
            },
            stop.Token);

        await led.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(a.IsLeader);
        Assert.Equal(1, metrics.LeaderStatus.Value("lease"));

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        await leadingEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(a.IsLeader);
        Assert.Equal(0, metrics.LeaderStatus.Value("lease"));
        Assert.Null(_store.Current!.HolderIdentity);
    }

    [Fact]
    public void Options_must_keep_duration_above_deadline_above_retry()
    {
        var bad = new LeaderElectionOptions { LeaseName = "l", LeaseNamespace = "n", LeaseDuration = TimeSpan.FromSeconds(5), RenewDeadline = TimeSpan.FromSeconds(10) };

        Assert.Throws<ArgumentException>(() => new LeaderElector(_store, bad, _time));
    }

    private LeaderElector Elector(string identity, ControllerMetrics? metrics = null) =>
        new(_store, new LeaderElectionOptions { LeaseName = "lease", LeaseNamespace = "ns", Identity = identity }, _time, metrics);
}
