namespace AiOperator.Operator.Autoscaling;

/// <summary>What the load asked for at one evaluation (before the scale-down window).</summary>
internal readonly record struct ScaleRecommendation(DateTimeOffset At, int Replicas);
