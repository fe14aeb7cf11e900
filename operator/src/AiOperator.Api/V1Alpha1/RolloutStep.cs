using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("One canary step: a traffic weight held for a pause while analysis runs.")]
public sealed class RolloutStep
{
    [JsonPropertyName("weight"), RequiredField, SchemaRange(minimum: 1, maximum: 100)]
    [Description("Percent of replicas (and so of traffic) on the canary.")]
    public int Weight { get; set; }

    [JsonPropertyName("pauseSeconds"), SchemaDefault("60"), SchemaRange(minimum: 0, maximum: 86400)]
    [Description("How long the step holds before the next one.")]
    public int? PauseSeconds { get; set; }
}
