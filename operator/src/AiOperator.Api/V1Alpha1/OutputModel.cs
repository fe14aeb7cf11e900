using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("The model a successful job produced.")]
public sealed class OutputModel
{
    [JsonPropertyName("uri")] [Description("pvc:// URI of the model file.")] public string? Uri { get; set; }
    [JsonPropertyName("version")] [Description("Model version label.")] public string? Version { get; set; }
    [JsonPropertyName("sha256")] [Description("SHA-256 of the model file.")] public string? Sha256 { get; set; }
    [JsonPropertyName("metrics")] [Description("Metrics rank 0 wrote to metrics.json.")] public IDictionary<string, double>? Metrics { get; set; }
}
