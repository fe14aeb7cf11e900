using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("A threshold on a metric from the TrainingJob's metrics.json.")]
public sealed class MetricGate
{
    [JsonPropertyName("metric"), RequiredField, SchemaLength(1, 128)]
    [Description("Key in status.outputModel.metrics.")]
    public string Metric { get; set; } = "";

    [JsonPropertyName("min")]
    [Description("The metric must be at least this.")]
    public double? Min { get; set; }

    [JsonPropertyName("max")]
    [Description("The metric must be at most this.")]
    public double? Max { get; set; }
}
