using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Kubelet;

using AiOperator.LocalCluster.Simulation.Kubelet;

public sealed class KubeletTests
{
    [Fact]
    public async Task Simulated_oom_kill_restarts_the_container_with_last_state()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with
        {
            SimulatedImages = new Dictionary<string, SimulatedContainer>
            {
                ["example.com/leaky"] = new() { ExitAfter = TimeSpan.FromMilliseconds(300), ExitCode = 137, Reason = "OOMKilled" },
            },
        });
        var ns = await cluster.NamespaceAsync("crash");
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = "leaky" }, Spec = TestCluster.PodSpec("example.com/leaky:2", 1) }, ns);

        var pod = await cluster.PodAsync(ns, "leaky", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.RestartCount >= 2, "two restarts");
        var status = pod.Status.ContainerStatuses.Single();
        Assert.Equal(137, status.LastState.Terminated.ExitCode);
        Assert.Equal("OOMKilled", status.LastState.Terminated.Reason);
        Assert.NotNull(status.LastState.Terminated.FinishedAt);
        Assert.Equal("Running", pod.Status.Phase);
        Assert.Equal("example.com/leaky:2", status.Image);
        Assert.StartsWith("example.com/leaky@sha256:", status.ImageID, StringComparison.Ordinal);
        var backoff = await cluster.PodAsync(ns, "leaky", p => p.Status.ContainerStatuses.Single().State.Waiting?.Reason == "CrashLoopBackOff", "CrashLoopBackOff");
        Assert.Contains("restarting failed container=main", backoff.Status.ContainerStatuses.Single().State.Waiting.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_containers_run_to_completion_before_the_app_starts()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with
        {
            SimulatedImages = new Dictionary<string, SimulatedContainer> { ["example.com/init"] = new() { ExitAfter = TimeSpan.FromMilliseconds(300) } },
        });
        var ns = await cluster.NamespaceAsync("init");
        var spec = TestCluster.PodSpec("example.com/app:1", 0);
        spec.InitContainers = [new V1Container { Name = "fetch", Image = "example.com/init:1" }];
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = "with-init" }, Spec = spec }, ns);

        var initializing = await cluster.PodAsync(ns, "with-init", p => p.Status?.InitContainerStatuses?.SingleOrDefault()?.State?.Running is not null, "init container running");
        Assert.Equal("Pending", initializing.Status.Phase);
        Assert.Equal("PodInitializing", initializing.Status.ContainerStatuses.Single().State.Waiting.Reason);

        var ready = await cluster.PodAsync(ns, "with-init", p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "app ready after init");
        Assert.Equal("Completed", ready.Status.InitContainerStatuses.Single().State.Terminated.Reason);
        Assert.Contains(ready.Status.Conditions, c => c.Type == "Initialized" && c.Status == "True");
    }

    [Fact]
    public async Task Completed_pod_with_restart_policy_never_succeeds_and_annotations_drive_failures()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("phases");
        var ok = new V1Pod { Metadata = new V1ObjectMeta { Name = "ok", Annotations = new Dictionary<string, string> { [SimulationAnnotations.Prefix + "exit-after"] = "200ms" } }, Spec = TestCluster.PodSpec("example.com/job:1", 0) };
        ok.Spec.RestartPolicy = "Never";
        var failing = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "failing", Annotations = new Dictionary<string, string> { [SimulationAnnotations.Prefix + "exit-after"] = "200ms", [SimulationAnnotations.Prefix + "exit-code"] = "3" } },
            Spec = TestCluster.PodSpec("example.com/job:1", 0),
        };
        failing.Spec.RestartPolicy = "Never";
        var bad = new V1Pod { Metadata = new V1ObjectMeta { Name = "bad", Annotations = new Dictionary<string, string> { [SimulationAnnotations.Prefix + "exit-after"] = "soon" } }, Spec = TestCluster.PodSpec("example.com/job:1", 0) };
        foreach (var pod in new[] { ok, failing, bad })
        {
            await cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        }

        var succeeded = await cluster.PodAsync(ns, "ok", p => p.Status?.Phase == "Succeeded", "ok succeeded");
        Assert.Equal("Completed", succeeded.Status.ContainerStatuses.Single().State.Terminated.Reason);
        Assert.Contains(succeeded.Status.Conditions, c => c.Type == "Ready" && c.Status == "False" && c.Reason == "PodCompleted");
        var failed = await cluster.PodAsync(ns, "failing", p => p.Status?.Phase == "Failed", "failing failed");
        Assert.Equal(3, failed.Status.ContainerStatuses.Single().State.Terminated.ExitCode);
        Assert.Equal(0, failed.Status.ContainerStatuses.Single().RestartCount);
        var waiting = await cluster.PodAsync(ns, "bad", p => p.Status?.ContainerStatuses?.Single().State.Waiting?.Reason == "CreateContainerConfigError", "bad annotation reported");
        Assert.Contains("sim.aioperator.dev/exit-after", waiting.Status.ContainerStatuses.Single().State.Waiting.Message, StringComparison.Ordinal);
    }
}
