using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("The load signal the autoscaler targets per pod.")]
[JsonConverter(typeof(JsonStringEnumConverter<AutoscalingMetric>))]
public enum AutoscalingMetric
{
    [JsonStringEnumMemberName("Concurrency")] Concurrency,
    [JsonStringEnumMemberName("RequestsPerSecond")] RequestsPerSecond,
    [JsonStringEnumMemberName("GpuUtilization")] GpuUtilization,
    [JsonStringEnumMemberName("LatencyP95Ms")] LatencyP95Ms,
}
