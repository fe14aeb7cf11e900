using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("Progressive rollout with analysis and automatic rollback.")]
public sealed class RolloutSpec
{
    [JsonPropertyName("strategy"), SchemaDefault("\"Canary\"")]
    [Description("Canary | Recreate.")]
    public RolloutStrategy? Strategy { get; set; }

    [JsonPropertyName("steps"), SchemaLength(maximum: 20)]
    [Description("Canary steps with rising weights; default [{weight: 20, pauseSeconds: 60}, {weight: 50, pauseSeconds: 60}].")]
    public IList<RolloutStep>? Steps { get; set; }

    [JsonPropertyName("analysis"), SchemaDefault("{}")]
    [Description("Thresholds judged at every step.")]
    public AnalysisSpec? Analysis { get; set; }

    [JsonPropertyName("autoRollback"), SchemaDefault("true")]
    [Description("Abort and roll back automatically when analysis fails.")]
    public bool? AutoRollback { get; set; }

    [JsonPropertyName("progressDeadlineSeconds"), SchemaDefault("600"), SchemaRange(minimum: 1, maximum: 86400)]
    [Description("A canary not ready by then counts as failed: counted from the start of its step, or from the last time it was ready at that step.")]
    public int? ProgressDeadlineSeconds { get; set; }
}
