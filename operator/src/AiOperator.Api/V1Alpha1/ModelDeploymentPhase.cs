using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("Summary of a ModelDeployment's state.")]
[JsonConverter(typeof(JsonStringEnumConverter<ModelDeploymentPhase>))]
public enum ModelDeploymentPhase
{
    [JsonStringEnumMemberName("Pending")] Pending,
    [JsonStringEnumMemberName("Progressing")] Progressing,
    [JsonStringEnumMemberName("Ready")] Ready,
    [JsonStringEnumMemberName("Degraded")] Degraded,
    [JsonStringEnumMemberName("RolledBack")] RolledBack,
    [JsonStringEnumMemberName("Failed")] Failed,
}
