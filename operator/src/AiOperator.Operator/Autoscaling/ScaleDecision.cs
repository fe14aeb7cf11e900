namespace AiOperator.Operator.Autoscaling;

/// <summary>
/// One evaluation: the total to run, the state to keep, and why (for Events). <see cref="CapacityMessage"/>
/// is set when GPUs, not load, limited the total ("capacity-limited: N of M GPUs free").
/// </summary>
internal sealed record ScaleDecision(int Desired, AutoscalerState State, string Reason, bool Panicking, string? CapacityMessage)
{
    public bool Changed(int previous) => Desired != previous;
}
