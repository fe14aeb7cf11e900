namespace AiOperator.Operator.Autoscaling;

/// <summary>The autoscaler's fixed behaviour (Knative KPA's defaults where it has them); the spec carries target, bounds and scale-down window.</summary>
internal sealed record AutoscalerSettings
{
    /// <summary>Averaging window of normal (stable) mode.</summary>
    public TimeSpan StableWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Averaging window that detects bursts.</summary>
    public TimeSpan PanicWindow { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Panic starts when the panic window asks for this many times the ready pods.</summary>
    public double PanicThreshold { get; init; } = 2.0;

    /// <summary>One decision asks for at most this many times the ready pods.</summary>
    public double MaxScaleUpRate { get; init; } = 10.0;

    public const int DefaultScaleDownStabilizationSeconds = 300;
}
