using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("Canary analysis thresholds, evaluated from the pods' own metrics at every step.")]
public sealed class AnalysisSpec
{
    [JsonPropertyName("intervalSeconds"), SchemaDefault("30"), SchemaRange(minimum: 1, maximum: 3600)]
    [Description("Seconds between evaluations.")]
    public int? IntervalSeconds { get; set; }

    [JsonPropertyName("maxErrorRate"), SchemaDefault("0.01"), SchemaRange(minimum: 0, maximum: 1)]
    [Description("Highest acceptable fraction of failed requests.")]
    public double? MaxErrorRate { get; set; }

    [JsonPropertyName("maxLatencyP95Ms"), SchemaRange(minimum: 0)]
    [Description("Highest acceptable p95 latency in milliseconds; unset = not judged.")]
    public double? MaxLatencyP95Ms { get; set; }

    [JsonPropertyName("minRequests"), SchemaDefault("50"), SchemaRange(minimum: 0)]
    [Description("Below this many requests in an interval the step waits instead of judging. 0 lets an idle canary pass its steps on time alone (no traffic is then no failure).")]
    public int? MinRequests { get; set; }

    [JsonPropertyName("failureLimit"), SchemaDefault("2"), SchemaRange(minimum: 1, maximum: 100)]
    [Description("Failed evaluations before abort and automatic rollback.")]
    public int? FailureLimit { get; set; }
}
