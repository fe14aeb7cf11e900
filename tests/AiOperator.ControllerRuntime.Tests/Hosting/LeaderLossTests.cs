using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.LeaderElection;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.ControllerRuntime.Tests.Support;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Hosting;

// Two operator processes on one lease. The API server stops answering the leader (requests hang far
// longer than the lease, as a wedged server or a half-open connection does; nothing fails fast): the
// leader must stop reconciling by its renew deadline, before the follower may take the lease over,
// and no write of the old leader may land once the follower leads, even after the server answers again.
public sealed class LeaderLossTests
{
    private static readonly ResourceKind Secrets = ResourceKind.For<V1Secret>();

    [Fact]
    public async Task A_leader_cut_off_by_a_hanging_api_server_stops_writing_before_the_follower_takes_over()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.User.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "source", NamespaceProperty = cluster.Namespace } }, cluster.Namespace);
        await cluster.User.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = "beat", NamespaceProperty = cluster.Namespace } }, cluster.Namespace);

        await using var a = new Process(cluster, "op-a");
        await using var b = new Process(cluster, "op-b");
        a.Start();
        await Eventually.TrueAsync(() => a.Host.IsLeader && a.Beater.Writes > 2, "a leads and writes");
        b.Start();
        await Eventually.TrueAsync(() => b.Host.Informer<V1ConfigMap>().HasSynced, "b follows with warm caches");

        // Every request of a now waits two minutes: the shared client's own timeout (30 s) and retries never end it in time.
        var hang = cluster.Server.Faults.AddLatency(TimeSpan.FromMinutes(2), userAgent: "op-a");
        await Eventually.TrueAsync(() => b.Host.IsLeader, "b takes over the lease a can no longer renew", TimeSpan.FromSeconds(30));
        var bLeadsFrom = cluster.Server.Requests.Snapshot()
            .Where(r => r.UserAgent.StartsWith("op-b", StringComparison.Ordinal) && r.Resource == "leases" && r.Verb == "update" && r.StatusCode == 200)
            .Min(r => r.Time);

        Assert.False(a.Host.IsLeader, "a still believes it leads while b does");
        Assert.True(a.Beater.CancelledAt is { } stopped && stopped <= bLeadsFrom, $"a's in-flight reconcile was cancelled at {a.Beater.CancelledAt:O}, b leads from {bLeadsFrom:O}");

        // The server answers a again: a follows, and nothing it started as leader lands now.
        cluster.Server.Faults.Remove(hang);
        var bWrites = b.Beater.Writes;
        await Eventually.TrueAsync(() => b.Beater.Writes >= bWrites + 5, "b keeps reconciling");
        var late = cluster.Server.Requests.Writes()
            .Where(r => r.UserAgent.StartsWith("op-a", StringComparison.Ordinal) && r.Resource != "events" && r.StatusCode is < 400 && r.Time >= bLeadsFrom)
            .ToList();
        Assert.True(late.Count == 0, $"a wrote while b led: {string.Join(", ", late.Select(r => $"{r.Verb} {r.Resource}/{r.Name} {r.StatusCode} at {r.Time:O}"))}");
        Assert.False(a.Host.IsLeader);
    }

    // One operator process: its own client (identified by user agent), informers, one controller.
    private sealed class Process : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly KubeApi _api;
        private Task? _run;

        public Process(TestCluster cluster, string identity)
        {
            var metrics = new ControllerMetrics();

            // The production client policy (30 s per attempt, 5 retries): leader election must not depend on it.
            _api = new KubeApi(cluster.Server.ClientConfiguration, metrics, TimeProvider.System, new KubeApiOptions { UserAgent = identity });
            Host = new ControllerHost(_api, new ControllerHostOptions
            {
                ProbePort = null,
                Namespaces = [cluster.Namespace],
                LeaderElection = new LeaderElectionOptions
                {
                    LeaseName = "op",
                    LeaseNamespace = cluster.Namespace,
                    Identity = identity,
                    LeaseDuration = TimeSpan.FromSeconds(4),
                    RenewDeadline = TimeSpan.FromSeconds(2),
                    RetryPeriod = TimeSpan.FromMilliseconds(300),
                },
            }, metrics);
            Beater = new Beater(_api, cluster.Namespace);
            Host.AddController<V1ConfigMap>("beater", Beater, new ControllerOptions { ShutdownTimeout = TimeSpan.FromMinutes(5) });
        }

        public ControllerHost Host { get; }

        public Beater Beater { get; }

        public void Start() => _run = Host.RunAsync(_stop.Token);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_run is not null)
            {
                await _run.WaitAsync(TimeSpan.FromSeconds(30));
            }

            _api.Dispose();
            _stop.Dispose();
        }
    }

    // Writes the "beat" Secret on every reconcile of "source" and comes back soon: always a write in flight.
    private sealed class Beater(IKubeApi api, string ns) : IReconciler
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public DateTimeOffset? CancelledAt { get; private set; }

        public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            if (key.Name != "source")
            {
                return ReconcileResult.Done;
            }

            try
            {
                var n = Interlocked.Increment(ref _writes);
                var value = Convert.ToBase64String(BitConverter.GetBytes(n));
                await api.PatchAsync<V1Secret>(Secrets, ns, "beat", new KubePatch(PatchType.Merge, $$$"""{"data":{"n":"{{{value}}}"}}"""), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                CancelledAt ??= DateTimeOffset.UtcNow;
                throw;
            }

            return ReconcileResult.After(TimeSpan.FromMilliseconds(100));
        }
    }
}
