using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("Built-in autoscaler settings.")]
public sealed class AutoscalingSpec
{
    [JsonPropertyName("enabled"), SchemaDefault("false")]
    [Description("When true the autoscaler owns the replica count.")]
    public bool? Enabled { get; set; }

    [JsonPropertyName("minReplicas"), SchemaDefault("1"), SchemaRange(minimum: 0, maximum: 1000)]
    [Description("Lower bound; 0 (scale to zero) is refused until an activator exists.")]
    public int? MinReplicas { get; set; }

    [JsonPropertyName("maxReplicas"), SchemaDefault("8"), SchemaRange(minimum: 1, maximum: 1000)]
    [Description("Upper bound.")]
    public int? MaxReplicas { get; set; }

    [JsonPropertyName("metric"), SchemaDefault("\"Concurrency\"")]
    [Description("Concurrency | RequestsPerSecond | GpuUtilization | LatencyP95Ms.")]
    public AutoscalingMetric? Metric { get; set; }

    [JsonPropertyName("target"), SchemaDefault("4"), SchemaRange(minimum: 0, ExclusiveMinimum = true)]
    [Description("Target value of the metric per pod; greater than 0.")]
    public double? Target { get; set; }

    [JsonPropertyName("scaleDownStabilizationSeconds"), SchemaDefault("300"), SchemaRange(minimum: 0, maximum: 86400)]
    [Description("Scale down only to the highest recommendation seen in this window.")]
    public int? ScaleDownStabilizationSeconds { get; set; }
}
