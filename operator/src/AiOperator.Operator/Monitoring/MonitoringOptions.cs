namespace AiOperator.Operator.Monitoring;

/// <summary>Operator-level settings of the model-pod scraper and the autoscaler that reads it.</summary>
public sealed record MonitoringOptions
{
    /// <summary>False runs no scraper: no status.metrics, no early ModelLoaded=False, autoscaling holds its total.</summary>
    public bool Enabled { get; init; } = true;

    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan ScrapeTimeout { get; init; } = TimeSpan.FromSeconds(1.5);

    public int MaxConcurrentScrapes { get; init; } = 32;

    /// <summary>The model server's port; tests on one host move it.</summary>
    public int ModelServerPort { get; init; } = ModelDeployments.ModelServerPodTemplate.HttpPort;
}
