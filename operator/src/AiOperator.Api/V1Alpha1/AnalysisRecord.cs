using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("The most recent canary analysis evaluation.")]
public sealed class AnalysisRecord
{
    [JsonPropertyName("at")]
    [Description("When the canary's window was judged.")]
    public DateTime? At { get; set; }

    [JsonPropertyName("step")]
    [Description("Index of the canary step it was judged at.")]
    public int? Step { get; set; }

    [JsonPropertyName("result")]
    [Description("Passed | Failed | Inconclusive.")]
    public AnalysisResult? Result { get; set; }

    [JsonPropertyName("message")]
    [Description("The measured values against the thresholds.")]
    public string? Message { get; set; }
}
