using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Kubelet;

using AiOperator.LocalCluster.Simulation.Kubelet;

public sealed class PodStatusBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Phase_follows_container_states_and_restart_policy()
    {
        var waiting = Record("a");
        var running = Record("a") with { Phase = ContainerPhase.Running, StartedAt = T0 };
        var ok = Record("a") with { Phase = ContainerPhase.Terminated, StartedAt = T0, Terminated = Exit(0) };
        var failed = Record("b") with { Phase = ContainerPhase.Terminated, StartedAt = T0, Terminated = Exit(1) };

        Assert.Equal("Pending", PodStatusBuilder.Phase("Always", [waiting]));
        Assert.Equal("Running", PodStatusBuilder.Phase("Always", [running, waiting]));
        Assert.Equal("Succeeded", PodStatusBuilder.Phase("Never", [ok]));
        Assert.Equal("Failed", PodStatusBuilder.Phase("Never", [ok, failed]));
        Assert.Equal("Running", PodStatusBuilder.Phase("Always", [running with { RestartCount = 2, LastTerminated = Exit(137) }]));
    }

    [Fact]
    public void Status_carries_conditions_ips_and_container_state()
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "a" }] } };
        var record = Record("a") with { Phase = ContainerPhase.Running, StartedAt = T0, Ready = true, ContainerId = "containerd://x", RestartCount = 1, LastTerminated = Exit(137) with { Reason = "OOMKilled" } };

        var status = PodStatusBuilder.Build(pod, [], [record], "127.0.0.1", "127.2.0.4", T0, T0.AddSeconds(5));

        Assert.Equal(("Running", "127.2.0.4", "127.0.0.1"), (status.Phase, status.PodIP, status.HostIP));
        Assert.All(new[] { "PodScheduled", "Initialized", "ContainersReady", "Ready" }, type => Assert.Contains(status.Conditions, c => c.Type == type && c.Status == "True"));
        var container = Assert.Single(status.ContainerStatuses);
        Assert.NotNull(container.State.Running);
        Assert.Equal((137, "OOMKilled"), (container.LastState.Terminated.ExitCode, container.LastState.Terminated.Reason));
        Assert.True(container.Started);
        Assert.Equal("BestEffort", status.QosClass);
    }

    [Fact]
    public void Transition_time_stays_while_the_condition_keeps_its_status()
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "a" }] } };
        var record = Record("a") with { Phase = ContainerPhase.Running, StartedAt = T0, Ready = true };
        pod.Status = PodStatusBuilder.Build(pod, [], [record], "127.0.0.1", "127.2.0.4", T0, T0);

        var later = PodStatusBuilder.Build(pod, [], [record], "127.0.0.1", "127.2.0.4", T0, T0.AddMinutes(1));
        var notReady = PodStatusBuilder.Build(pod, [], [record with { Ready = false }], "127.0.0.1", "127.2.0.4", T0, T0.AddMinutes(2));

        Assert.Equal(T0.UtcDateTime, later.Conditions.Single(c => c.Type == "Ready").LastTransitionTime);
        var ready = notReady.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal(("False", "ContainersNotReady", "containers with unready status: [a]"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(T0.AddMinutes(2).UtcDateTime, ready.LastTransitionTime);
    }

    [Fact]
    public void Init_containers_gate_initialization_and_phase()
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "a" }] } };
        var app = Record("a") with { WaitingReason = "PodInitializing" };
        var initRunning = Record("init") with { Phase = ContainerPhase.Running, StartedAt = T0 };

        var pending = PodStatusBuilder.Build(pod, [initRunning], [app], "127.0.0.1", "127.2.0.4", T0, T0);
        var failed = PodStatusBuilder.Build(pod, [initRunning with { Phase = ContainerPhase.Terminated, Terminated = Exit(1) }], [app], "127.0.0.1", "127.2.0.4", T0, T0);
        var done = PodStatusBuilder.Build(pod, [initRunning with { Phase = ContainerPhase.Terminated, Terminated = Exit(0) }], [app with { Phase = ContainerPhase.Running, StartedAt = T0 }], "127.0.0.1", "127.2.0.4", T0, T0);

        Assert.Equal("Pending", pending.Phase);
        var initialized = pending.Conditions.Single(c => c.Type == "Initialized");
        Assert.Equal(("False", "ContainersNotInitialized", "containers with incomplete status: [init]"), (initialized.Status, initialized.Reason, initialized.Message));
        Assert.Equal("PodInitializing", pending.ContainerStatuses.Single().State.Waiting.Reason);
        Assert.NotNull(Assert.Single(pending.InitContainerStatuses).State.Running);
        Assert.Equal("Failed", failed.Phase);
        Assert.Equal("Running", done.Phase);
        Assert.Contains(done.Conditions, c => c.Type == "Initialized" && c.Status == "True");
    }

    private static ContainerRecord Record(string name) => new() { Name = name, Image = "example.com/x:1" };

    private static ContainerExit Exit(int code) => new(code, code == 0 ? "Completed" : "Error", null, T0, T0.AddSeconds(1), "containerd://old");
}
