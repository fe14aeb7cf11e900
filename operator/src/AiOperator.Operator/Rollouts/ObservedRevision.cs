namespace AiOperator.Operator.Rollouts;

/// <summary>One revision's Deployment as the cache shows it: its replica setting, ready pods, and pods still present (terminating ones too).</summary>
internal sealed record ObservedRevision(string Name, int Replicas, int ReadyReplicas, int Pods);
