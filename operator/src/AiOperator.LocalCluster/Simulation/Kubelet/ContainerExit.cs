namespace AiOperator.LocalCluster.Simulation.Kubelet;

internal sealed record ContainerExit(int ExitCode, string Reason, string? Message, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string? ContainerId);
