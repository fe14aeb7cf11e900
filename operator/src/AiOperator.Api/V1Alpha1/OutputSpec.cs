using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("Where rank 0 writes the trained model.")]
public sealed class OutputSpec
{
    [JsonPropertyName("claimName"), RequiredField, SchemaPattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"), SchemaLength(1, 253)]
    [Description("PersistentVolumeClaim receiving the model.")]
    public string ClaimName { get; set; } = "";

    [JsonPropertyName("path"), RequiredField, SchemaPattern("^[^/].*$"), SchemaLength(1, 1024)]
    [Description("Path of the model file inside the claim.")]
    public string Path { get; set; } = "";

    [JsonPropertyName("modelVersion"), SchemaPattern("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"), SchemaLength(maximum: 63)]
    [Description("Version label the output model carries.")]
    public string? ModelVersion { get; set; }
}
