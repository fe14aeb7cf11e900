namespace AiOperator.Operator.Monitoring;

/// <summary>Bounds on what one /metrics body may hold, checked while parsing so a hostile pod cannot make the operator allocate without limit.</summary>
internal sealed record PrometheusTextLimits
{
    public int MaxLines { get; init; } = 20_000;

    public int MaxLineLength { get; init; } = 4096;

    public int MaxLabelsPerSample { get; init; } = 32;

    public int MaxLabelValueLength { get; init; } = 1024;

    /// <summary>Samples kept (only those of wanted names count).</summary>
    public int MaxSamples { get; init; } = 2_000;
}
