using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("Outcome of one canary analysis evaluation.")]
[JsonConverter(typeof(JsonStringEnumConverter<AnalysisResult>))]
public enum AnalysisResult
{
    [JsonStringEnumMemberName("Passed")] Passed,
    [JsonStringEnumMemberName("Failed")] Failed,
    [JsonStringEnumMemberName("Inconclusive")] Inconclusive,
}
