using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("Summary of a TrainingJob's state.")]
[JsonConverter(typeof(JsonStringEnumConverter<TrainingJobPhase>))]
public enum TrainingJobPhase
{
    [JsonStringEnumMemberName("Pending")] Pending,
    [JsonStringEnumMemberName("Scheduling")] Scheduling,
    [JsonStringEnumMemberName("Running")] Running,
    [JsonStringEnumMemberName("Restarting")] Restarting,
    [JsonStringEnumMemberName("Succeeded")] Succeeded,
    [JsonStringEnumMemberName("Failed")] Failed,
    [JsonStringEnumMemberName("Suspended")] Suspended,
}
