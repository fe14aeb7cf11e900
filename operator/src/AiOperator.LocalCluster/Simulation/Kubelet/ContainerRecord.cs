namespace AiOperator.LocalCluster.Simulation.Kubelet;

// One container's state as the kubelet tracks it; turned into a V1ContainerStatus on each write.
internal sealed record ContainerRecord
{
    public required string Name { get; init; }

    public required string Image { get; init; }

    public string? ContainerId { get; init; }

    public ContainerPhase Phase { get; init; } = ContainerPhase.Waiting;

    public string? WaitingReason { get; init; } = "ContainerCreating";

    public string? WaitingMessage { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public ContainerExit? Terminated { get; init; }

    public ContainerExit? LastTerminated { get; init; }

    public bool Ready { get; init; }

    public int RestartCount { get; init; }
}
