namespace AiOperator.Operator.Monitoring;

/// <summary>How often and how carefully model pods' /metrics are read.</summary>
internal sealed record ScraperOptions
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Per scrape, connect to last byte.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1.5);

    public int MaxConcurrency { get; init; } = 32;

    /// <summary>A body larger than this fails the scrape (the model server's is a few KB).</summary>
    public int MaxBodyBytes { get; init; } = 256 * 1024;

    /// <summary>The model server's HTTP port (ModelServerPodTemplate's container port).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>How long samples are kept; windows longer than this see only this much.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromMinutes(3);

    public PrometheusTextLimits Limits { get; init; } = new();

    public void Validate()
    {
        if (Interval <= TimeSpan.Zero || Timeout <= TimeSpan.Zero || MaxConcurrency <= 0 || MaxBodyBytes <= 0 || Port is <= 0 or > 65535 || Retention < Interval)
        {
            throw new ArgumentException($"invalid scraper options: {this}");
        }
    }
}
