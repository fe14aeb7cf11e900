namespace AiOperator.Operator.Autoscaling;

/// <summary>
/// The autoscaler's memory of one ModelDeployment: the total it decided, until when it panics, and the
/// recommendations of the scale-down window. Kept in the leader's memory; a new leader starts from
/// status.desiredReplicas and waits a full window before scaling down.
/// </summary>
internal sealed record AutoscalerState(int Desired, DateTimeOffset? PanicUntil, IReadOnlyList<ScaleRecommendation> History)
{
    public static AutoscalerState Initial(int desired, DateTimeOffset now) => new(desired, null, [new ScaleRecommendation(now, desired)]);

    public bool IsPanicking(DateTimeOffset now) => PanicUntil > now;
}
