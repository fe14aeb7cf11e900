namespace AiOperator.LocalCluster.Simulation.Workloads;

// maxSurge / maxUnavailable resolved to pod counts for a desired replica count.
internal sealed record RolloutBounds(int MaxSurge, int MaxUnavailable);
