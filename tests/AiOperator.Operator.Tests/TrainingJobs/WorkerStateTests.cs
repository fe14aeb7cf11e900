using AiOperator.Operator.TrainingJobs;
using k8s.Models;

namespace AiOperator.Operator.Tests.TrainingJobs;

public sealed class WorkerStateTests
{
    private static V1Pod Pod(V1PodStatus status, string rank = "1", string gang = "2") => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "ft-worker-1",
            Labels = new Dictionary<string, string> { ["aioperator.dev/rank"] = rank, ["aioperator.dev/gang"] = gang },
        },
        Status = status,
    };

    [Fact]
    public void Reads_rank_gang_exit_and_termination_message()
    {
        var finished = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var state = WorkerState.From(Pod(new V1PodStatus
        {
            Phase = "Failed",
            Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True" }],
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "trainer",
                    State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 137, Reason = "OOMKilled", FinishedAt = finished, Message = "m" } },
                },
            ],
        }));
        Assert.NotNull(state);
        Assert.Equal((1, 2, "Failed", true, 137, "OOMKilled", "m"), (state.Rank, state.Gang, state.Phase, state.Scheduled, state.ExitCode!.Value, state.Reason, state.TerminationMessage));
        Assert.Equal(finished, state.FinishedAt);
    }

    [Fact]
    public void An_evicted_pod_reports_the_pod_reason_and_an_unschedulable_one_its_message()
    {
        Assert.Equal("Evicted", WorkerState.From(Pod(new V1PodStatus { Phase = "Failed", Reason = "Evicted" }))!.Reason);
        var pending = WorkerState.From(Pod(new V1PodStatus
        {
            Phase = "Pending",
            Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/1 nodes are available: 1 Insufficient nvidia.com/gpu." }],
        }))!;
        Assert.False(pending.Scheduled);
        Assert.Contains("Insufficient", pending.UnschedulableMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Pods_without_rank_or_gang_labels_are_not_workers()
    {
        Assert.Null(WorkerState.From(Pod(new V1PodStatus(), rank: "x")));
        Assert.Null(WorkerState.From(new V1Pod { Metadata = new V1ObjectMeta { Name = "p" } }));
    }
}
