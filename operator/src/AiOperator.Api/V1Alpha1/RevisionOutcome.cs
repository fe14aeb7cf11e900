using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("What became of a revision.")]
[JsonConverter(typeof(JsonStringEnumConverter<RevisionOutcome>))]
public enum RevisionOutcome
{
    [JsonStringEnumMemberName("Progressing")] Progressing,
    [JsonStringEnumMemberName("Stable")] Stable,
    [JsonStringEnumMemberName("Superseded")] Superseded,
    [JsonStringEnumMemberName("Failed")] Failed,
}
