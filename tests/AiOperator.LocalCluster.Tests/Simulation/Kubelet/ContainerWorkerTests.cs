using AiOperator.LocalCluster.Simulation.Informers;
using AiOperator.LocalCluster.Simulation.Networking;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Kubelet;

using AiOperator.LocalCluster.Simulation.Kubelet;

public sealed class ContainerWorkerTests
{
    [Fact]
    public async Task Crash_loop_backs_off_on_the_fake_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var dir = Directory.CreateTempSubdirectory("aiop-worker-");
        // Events go nowhere: nothing listens on port 1, and recording is best effort.
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        try
        {
            var behaviour = new SimulatedContainer { StartDelay = TimeSpan.Zero, ReadyAfter = TimeSpan.FromSeconds(1), ExitAfter = TimeSpan.FromSeconds(5), ExitCode = 1 };
            var context = new KubeletContext(client, dir.FullName, LoopbackAddressPool.Pods, new PodLogStore(time), _ => null!, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(40),
                new EventRecorder(client, "kubelet", time, NullLogger.Instance), time, NullLogger.Instance);
            var spec = new V1Container { Name = "main", Image = "example.com/crash:1" };
            var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "ns", Uid = "u" }, Spec = new V1PodSpec { Containers = [spec] } };
            var sandbox = new PodSandbox
            {
                Pod = pod,
                Directory = dir.FullName,
                PodIp = "127.2.0.1",
                HostIp = "127.0.0.1",
                PvcRoot = dir.FullName,
                VolumeHostPaths = new Dictionary<string, string>(),
                ConfigMaps = new Dictionary<string, IDictionary<string, string>>(),
                Secrets = new Dictionary<string, IDictionary<string, string>>(),
            };
            var worker = new ContainerWorker(sandbox, spec, new SimulatedRuntime(_ => behaviour, time), "Always", context, () => { });
            using var stop = new CancellationTokenSource();
            var run = worker.RunAsync(stop.Token);

            await Until(() => worker.Current.Phase == ContainerPhase.Running);
            Assert.False(worker.Current.Ready);
            time.Advance(TimeSpan.FromSeconds(1));
            await Until(() => worker.Current.Ready);

            time.Advance(TimeSpan.FromSeconds(4));
            await Until(() => worker.Current.WaitingReason == "CrashLoopBackOff");
            Assert.Equal((1, 1), (worker.Current.RestartCount, worker.Current.LastTerminated!.ExitCode));
            Assert.Contains("back-off 10s", worker.Current.WaitingMessage, StringComparison.Ordinal);

            time.Advance(TimeSpan.FromSeconds(9));
            await Until(() => worker.Current.WaitingReason == "CrashLoopBackOff");
            Assert.Equal(ContainerPhase.Waiting, worker.Current.Phase);
            time.Advance(TimeSpan.FromSeconds(1));
            await Until(() => worker.Current.Phase == ContainerPhase.Running);

            time.Advance(TimeSpan.FromSeconds(5));
            await Until(() => worker.Current.RestartCount == 2);
            Assert.Contains("back-off 20s", worker.Current.WaitingMessage, StringComparison.Ordinal);

            await stop.CancelAsync();
            await run;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // Lets continuations scheduled by FakeTimeProvider's timers run.
    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 2000 && !condition(); i++)
        {
            await Task.Yield();
            Thread.Sleep(1);
        }

        Assert.True(condition());
    }
}
