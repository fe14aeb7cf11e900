using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("Serving metrics summarized from the pods' own /metrics.")]
public sealed class ServingMetrics
{
    [JsonPropertyName("requestsPerSecond")]
    [Description("Requests per second arriving at all pods (counted on arrival, so queued and refused requests are demand too).")]
    public double? RequestsPerSecond { get; set; }

    [JsonPropertyName("latencyP95Ms")]
    [Description("95th percentile request latency in milliseconds.")]
    public double? LatencyP95Ms { get; set; }

    [JsonPropertyName("errorRate")]
    [Description("Fraction of failed requests.")]
    public double? ErrorRate { get; set; }

    [JsonPropertyName("concurrency")]
    [Description("Average in-flight requests per pod.")]
    public double? Concurrency { get; set; }

    [JsonPropertyName("gpuUtilization")]
    [Description("Average GPU (or busy) utilization per pod, 0 to 1.")]
    public double? GpuUtilization { get; set; }

    [JsonPropertyName("sampledAt")]
    [Description("When these figures were taken.")]
    public DateTime? SampledAt { get; set; }
}
