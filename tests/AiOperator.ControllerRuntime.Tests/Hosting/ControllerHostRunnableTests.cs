using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.LeaderElection;
using AiOperator.ControllerRuntime.Tests.Fakes;
using AiOperator.ControllerRuntime.Tests.Support;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Hosting;

// Leader-only runnables: two hosts share one Lease; only the leader's loop runs, and it hands over.
public sealed class ControllerHostRunnableTests
{
    [Fact]
    public async Task A_runnable_runs_only_while_its_host_leads_and_is_cancelled_when_leadership_ends()
    {
        await using var cluster = await TestCluster.StartAsync();
        var a = new Loop();
        var b = new Loop();
        var hostA = Host(cluster, "a", a);
        using var stopA = new CancellationTokenSource();
        var runA = hostA.RunAsync(stopA.Token);
        await Eventually.TrueAsync(() => a.Running, "the first host leads and runs its loop");

        var hostB = Host(cluster, "b", b);
        using var stopB = new CancellationTokenSource();
        var runB = hostB.RunAsync(stopB.Token);
        await Eventually.TrueAsync(() => cluster.Server.Requests.Snapshot().Count(r => r.Resource == "leases" && r.Verb == "get") >= 4, "the second host has tried the lease");
        Assert.False(hostB.IsLeader);
        Assert.Equal(0, b.Starts);

        // Shutdown releases the lease: the first loop is cancelled, the second host takes over and starts its own.
        await stopA.CancelAsync();
        await runA.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(a.Cancelled);
        await Eventually.TrueAsync(() => b.Running, "the second host leads and runs its loop");
        Assert.Equal(1, a.Starts);

        await stopB.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(b.Cancelled);
    }

    [Fact]
    public async Task A_failed_runnable_fails_liveness_with_its_name()
    {
        await using var cluster = await TestCluster.StartAsync();
        var host = new ControllerHost(cluster.Api, new ControllerHostOptions { ProbePort = null, Namespaces = [cluster.Namespace] }, cluster.Metrics);
        host.Informer<V1ConfigMap>();
        var failed = new TaskCompletionSource();
        host.AddRunnable("broken", _ =>
        {
            failed.TrySetResult();
            throw new InvalidOperationException("no scrape target");
        });
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);

        await failed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => !host.Liveness().Healthy, "liveness reports the failed runnable");
        Assert.Contains("runnable broken failed: no scrape target", host.Liveness().Text, StringComparison.Ordinal);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Runnables_need_unique_names()
    {
        var host = new ControllerHost(new RecordingKubeApi(), new ControllerHostOptions { ProbePort = null });
        host.AddRunnable("scraper", _ => Task.CompletedTask);

        Assert.Throws<ArgumentException>(() => host.AddRunnable("scraper", _ => Task.CompletedTask));
    }

    private static ControllerHost Host(TestCluster cluster, string identity, Loop loop)
    {
        var host = new ControllerHost(cluster.Api, new ControllerHostOptions
        {
            ProbePort = null,
            Namespaces = [cluster.Namespace],
            LeaderElection = new LeaderElectionOptions
            {
                LeaseName = "runnables",
                LeaseNamespace = cluster.Namespace,
                Identity = identity,
                LeaseDuration = TimeSpan.FromSeconds(3),
                RenewDeadline = TimeSpan.FromSeconds(2),
                RetryPeriod = TimeSpan.FromMilliseconds(200),
            },
        }, cluster.Metrics);
        host.Informer<V1ConfigMap>();
        host.AddRunnable("loop", loop.RunAsync);
        return host;
    }

    private sealed class Loop
    {
        private int _starts;
        private int _running;
        private int _cancelled;

        public int Starts => Volatile.Read(ref _starts);

        public bool Running => Volatile.Read(ref _running) == 1;

        public bool Cancelled => Volatile.Read(ref _cancelled) == 1;

        public async Task RunAsync(CancellationToken leading)
        {
            Interlocked.Increment(ref _starts);
            Volatile.Write(ref _running, 1);
            try
            {
                await Task.Delay(Timeout.Infinite, leading);
            }
            finally
            {
                Volatile.Write(ref _running, 0);
                Volatile.Write(ref _cancelled, leading.IsCancellationRequested ? 1 : 0);
            }
        }
    }
}
