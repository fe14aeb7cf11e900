using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("When a failed worker restarts the gang.")]
[JsonConverter(typeof(JsonStringEnumConverter<TrainingRestartPolicy>))]
public enum TrainingRestartPolicy
{
    [JsonStringEnumMemberName("OnFailure")] OnFailure,
    [JsonStringEnumMemberName("Never")] Never,
    [JsonStringEnumMemberName("ExitCode")] ExitCode,
}
