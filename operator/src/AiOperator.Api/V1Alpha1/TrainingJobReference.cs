using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("A TrainingJob whose successful output model is rolled out.")]
public sealed class TrainingJobReference
{
    [JsonPropertyName("name"), RequiredField, SchemaPattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), SchemaLength(1, 63)]
    [Description("Name of the TrainingJob in the same namespace.")]
    public string Name { get; set; } = "";

    [JsonPropertyName("gate")]
    [Description("A metric the job must report before its model is rolled out.")]
    public MetricGate? Gate { get; set; }
}
