namespace AiOperator.Operator.Autoscaling;

/// <summary>How many replicas the cluster's GPUs can hold for one ModelDeployment, and the GPU figures that say why.</summary>
internal sealed record CapacityLimit(int MaxReplicas, int FreeGpus, int TotalGpus, string ResourceName);
