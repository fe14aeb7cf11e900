using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AiOperator.Api.V1Alpha1;

[Description("The most recent worker failure.")]
public sealed class WorkerFailure
{
    [JsonPropertyName("worker")] [Description("Rank of the failed worker.")] public int? Worker { get; set; }
    [JsonPropertyName("reason")] [Description("Termination reason, e.g. OOMKilled.")] public string? Reason { get; set; }
    [JsonPropertyName("exitCode")] [Description("Exit code of the worker.")] public int? ExitCode { get; set; }
    [JsonPropertyName("at")] [Description("When it failed.")] public DateTime? At { get; set; }
}
