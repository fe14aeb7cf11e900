using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("The ONNX model to serve: a URI, or the output of a TrainingJob.")]
public sealed class ModelSource
{
    [JsonPropertyName("name"), SchemaPattern("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"), SchemaLength(maximum: 128)]
    [Description("Name served on /v2/models/{name}; defaults to metadata.name.")]
    public string? Name { get; set; }

    [JsonPropertyName("version"), SchemaPattern("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"), SchemaLength(maximum: 63)]
    [Description("Label of this model version.")]
    public string? Version { get; set; }

    [JsonPropertyName("uri"), SchemaPattern("^(pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?/[^/].*|https?://[^/]+.*|file:///.+)$"), SchemaLength(maximum: 2048)]
    [Description("Where the model file is: pvc://CLAIM/PATH, http(s)://..., or file:///path-in-image.")]
    public string? Uri { get; set; }

    [JsonPropertyName("sha256"), SchemaPattern("^[a-fA-F0-9]{64}$")]
    [Description("Expected SHA-256 of the model file; the server refuses to become ready on mismatch.")]
    public string? Sha256 { get; set; }

    [JsonPropertyName("fromTrainingJob")]
    [Description("Follow the output of a TrainingJob in the same namespace instead of a fixed uri.")]
    public TrainingJobReference? FromTrainingJob { get; set; }
}
