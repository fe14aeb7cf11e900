namespace AiOperator.Operator.Monitoring;

/// <summary>A running, unready model pod whose server said its model failed to load, and why.</summary>
public sealed record ModelLoadFailure(string Pod, string Revision, string Reason, DateTimeOffset SeenAt);
