using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Workloads;

using AiOperator.LocalCluster.Simulation.Workloads;

public sealed class ReplicaSetPlanTests
{
    [Fact]
    public void Victims_are_unscheduled_then_not_ready_then_newest()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var readyOld = Pod("ready-old", "n1", ready: true, t0);
        var readyNew = Pod("ready-new", "n1", ready: true, t0.AddMinutes(1));
        var notReady = Pod("not-ready", "n1", ready: false, t0);
        var unscheduled = Pod("unscheduled", null, ready: false, t0);

        var victims = ReplicaSetPlan.PodsToDelete(1, [readyOld, readyNew, notReady, unscheduled]);

        Assert.Equal(["unscheduled", "not-ready", "ready-new"], victims.Select(p => p.Metadata.Name));
        Assert.Equal(2, ReplicaSetPlan.PodsToCreate(3, [readyOld]));
        Assert.Empty(ReplicaSetPlan.PodsToDelete(3, [readyOld]));
    }

    [Fact]
    public void Availability_waits_for_min_ready_seconds()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var pod = Pod("p", "n1", ready: true, t0);

        Assert.False(PodReadiness.IsAvailable(pod, 10, new DateTimeOffset(t0.AddSeconds(9))));
        Assert.True(PodReadiness.IsAvailable(pod, 10, new DateTimeOffset(t0.AddSeconds(10))));
        Assert.True(PodReadiness.IsAvailable(pod, 0, new DateTimeOffset(t0)));
    }

    [Fact]
    public void Status_counts_ready_and_available()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var rs = new V1ReplicaSet { Metadata = new V1ObjectMeta { Name = "rs", Generation = 2 }, Spec = new V1ReplicaSetSpec { Replicas = 2, MinReadySeconds = 5 } };

        var status = ReplicaSetPlan.Status(rs, [Pod("a", "n1", true, t0), Pod("b", "n1", false, t0)], new DateTimeOffset(t0.AddSeconds(6)));

        Assert.Equal((2, 1, 1, 2L), (status.Replicas, status.ReadyReplicas ?? 0, status.AvailableReplicas ?? 0, status.ObservedGeneration ?? 0));
    }

    private static V1Pod Pod(string name, string? node, bool ready, DateTime created) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, CreationTimestamp = created },
        Spec = new V1PodSpec { NodeName = node, Containers = [] },
        Status = new V1PodStatus
        {
            Phase = node is null ? "Pending" : "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = created }],
        },
    };
}
