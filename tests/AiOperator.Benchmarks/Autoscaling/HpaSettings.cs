namespace AiOperator.Benchmarks.Autoscaling;

/// <summary>
/// HPA settings: kube-controller-manager's defaults (15 s sync, 10 % tolerance) and autoscaling/v2's
/// default behaviour (scale-up: no stabilization, max of +100 % and +4 pods per 15 s; scale-down:
/// 300 s stabilization, -100 % per 15 s). Target is the Pods metric's AverageValue.
/// </summary>
internal sealed record HpaSettings(double Target, int MinReplicas, int MaxReplicas)
{
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);

    public double Tolerance { get; init; } = 0.1;

    public TimeSpan ScaleDownStabilization { get; init; } = TimeSpan.FromSeconds(300);

    public TimeSpan ScaleUpStabilization { get; init; } = TimeSpan.Zero;

    public TimeSpan PolicyPeriod { get; init; } = TimeSpan.FromSeconds(15);

    public int ScaleUpPercent { get; init; } = 100;

    public int ScaleUpPods { get; init; } = 4;

    public int ScaleDownPercent { get; init; } = 100;
}
