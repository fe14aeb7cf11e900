using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("All-or-nothing scheduling of the workers.")]
public sealed class GangSpec
{
    [JsonPropertyName("scheduleTimeoutSeconds"), SchemaDefault("300"), SchemaRange(minimum: 1, maximum: 86400)]
    [Description("All workers must be scheduled within this, else the gang is torn down and retried.")]
    public int? ScheduleTimeoutSeconds { get; set; }
}
