using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Workloads;

internal sealed record DeploymentActions(V1ReplicaSet? Create, IReadOnlyList<ReplicaSetChange> Changes, IReadOnlyList<string> Deletes);
