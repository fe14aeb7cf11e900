using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("Workers by state.")]
public sealed class WorkerCounts
{
    [JsonPropertyName("pending")] [Description("Workers not yet running.")] public int? Pending { get; set; }
    [JsonPropertyName("running")] [Description("Workers running.")] public int? Running { get; set; }
    [JsonPropertyName("succeeded")] [Description("Workers that exited 0.")] public int? Succeeded { get; set; }
    [JsonPropertyName("failed")] [Description("Workers that failed.")] public int? Failed { get; set; }
}
