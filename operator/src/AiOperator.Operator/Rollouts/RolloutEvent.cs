namespace AiOperator.Operator.Rollouts;

/// <summary>A Kubernetes Event the rollout decided to emit (type Normal or Warning).</summary>
internal sealed record RolloutEvent(string Type, string Reason, string Message);
