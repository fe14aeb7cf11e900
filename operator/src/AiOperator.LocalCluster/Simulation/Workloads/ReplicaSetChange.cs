namespace AiOperator.LocalCluster.Simulation.Workloads;

// One write the deployment controller wants on an existing ReplicaSet.
internal sealed record ReplicaSetChange(string Name, int Replicas, string? Revision);
