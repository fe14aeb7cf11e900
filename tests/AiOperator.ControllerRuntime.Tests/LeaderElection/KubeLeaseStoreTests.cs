using AiOperator.ControllerRuntime.LeaderElection;
using AiOperator.ControllerRuntime.Tests.Support;

namespace AiOperator.ControllerRuntime.Tests.LeaderElection;

// Two electors on one Lease of the local API server, with short timings.
public sealed class KubeLeaseStoreTests
{
    [Fact]
    public async Task Leadership_hands_over_when_the_leader_shuts_down()
    {
        await using var cluster = await TestCluster.StartAsync();
        var a = new Candidate(Elector(cluster, "a", new KubeLeaseStore(cluster.Api, cluster.Namespace, "op")));
        var b = new Candidate(Elector(cluster, "b", new KubeLeaseStore(cluster.Api, cluster.Namespace, "op")));

        a.Start();
        await Eventually.TrueAsync(() => a.Leading, "a leads");
        b.Start();
        await Eventually.TrueAsync(() => b.Elector.ObservedHolder == "a", "b sees a's lease");
        Assert.False(b.Leading);

        await a.StopAsync();
        await Eventually.TrueAsync(() => b.Leading, "b takes over after a releases");

        var lease = await new KubeLeaseStore(cluster.Api, cluster.Namespace, "op").GetAsync(CancellationToken.None);
        Assert.Equal("b", lease!.HolderIdentity);
        Assert.Equal(1, lease.LeaseTransitions);
        Assert.True(a.EndedAt <= b.StartedAt);
        await b.StopAsync();
    }

    [Fact]
    public async Task A_cut_off_leader_stops_before_the_next_one_starts()
    {
        await using var cluster = await TestCluster.StartAsync();
        var partition = new PartitionableStore(new KubeLeaseStore(cluster.Api, cluster.Namespace, "op"));
        var a = new Candidate(Elector(cluster, "a", partition));
        var b = new Candidate(Elector(cluster, "b", new KubeLeaseStore(cluster.Api, cluster.Namespace, "op")));
        a.Start();
        await Eventually.TrueAsync(() => a.Leading, "a leads");
        b.Start();
        await Eventually.TrueAsync(() => b.Elector.ObservedHolder == "a", "b sees a's lease");

        partition.CutOff = true;
        await Eventually.TrueAsync(() => b.Leading, "b takes over the expired lease");

        Assert.False(a.Leading);
        Assert.True(a.EndedAt <= b.StartedAt, $"a led until {a.EndedAt:O}, b from {b.StartedAt:O}");

        // a comes back: it must follow, not fight.
        partition.CutOff = false;
        await Eventually.TrueAsync(() => a.Elector.ObservedHolder == "b", "a sees b's lease");
        Assert.False(a.Leading);
        await a.StopAsync();
        await b.StopAsync();
    }

    private static LeaderElector Elector(TestCluster cluster, string identity, ILeaseStore store) => new(
        store,
        new LeaderElectionOptions
        {
            LeaseName = "op",
            LeaseNamespace = cluster.Namespace,
            Identity = identity,
            // A wide gap between renew deadline and lease duration keeps "old leader stops before the
            // new one starts" true even when this shared machine is slow to run a timer.
            LeaseDuration = TimeSpan.FromSeconds(4),
            RenewDeadline = TimeSpan.FromSeconds(1),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        });

    private sealed class Candidate(LeaderElector elector)
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _run;

        public LeaderElector Elector => elector;

        public bool Leading { get; private set; }

        public DateTimeOffset StartedAt { get; private set; } = DateTimeOffset.MaxValue;

        public DateTimeOffset EndedAt { get; private set; } = DateTimeOffset.MinValue;

        public void Start() => _run = elector.RunAsync(
            async leading =>
            {
                StartedAt = DateTimeOffset.UtcNow;
                Leading = true;
                try
                {
                    await Task.Delay(Timeout.Infinite, leading);
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    Leading = false;
                    EndedAt = DateTimeOffset.UtcNow;
                }
            },
            _stop.Token);

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _run!.WaitAsync(TimeSpan.FromSeconds(10));
            _stop.Dispose();
        }
    }

    // Simulates a network partition between one elector and the API server.
    private sealed class PartitionableStore(ILeaseStore inner) : ILeaseStore
    {
        public volatile bool CutOff;

        public Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken) => CutOff ? Fail() : inner.GetAsync(cancellationToken);

        public Task<LeaseRecord?> TryCreateAsync(LeaseRecord record, CancellationToken cancellationToken) => CutOff ? Fail() : inner.TryCreateAsync(record, cancellationToken);

        public Task<LeaseRecord?> TryUpdateAsync(LeaseRecord record, CancellationToken cancellationToken) => CutOff ? Fail() : inner.TryUpdateAsync(record, cancellationToken);

        private static Task<LeaseRecord?> Fail() => Task.FromException<LeaseRecord?>(new HttpRequestException("partitioned"));
    }
}
