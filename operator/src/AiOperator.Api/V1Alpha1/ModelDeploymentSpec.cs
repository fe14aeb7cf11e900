using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("Desired state of a ModelDeployment.")]
public sealed class ModelDeploymentSpec
{
    [JsonPropertyName("model"), RequiredField]
    [Description("The model to serve; any change of model or runtime is a new revision.")]
    public ModelSource Model { get; set; } = new();

    [JsonPropertyName("runtime"), SchemaDefault("{}")]
    [Description("How the model server runs the model.")]
    public RuntimeSpec? Runtime { get; set; }

    [JsonPropertyName("resources"), SchemaDefault("{}")]
    [Description("GPU and compute resources of each model-server pod.")]
    public ResourcesSpec? Resources { get; set; }

    [JsonPropertyName("scheduling")]
    [Description("Where pods may run; the GPU taint toleration is added automatically when gpu.count > 0.")]
    public SchedulingSpec? Scheduling { get; set; }

    [JsonPropertyName("replicas"), SchemaDefault("1"), SchemaRange(minimum: 0, maximum: 1000)]
    [Description("Number of pods when autoscaling is off.")]
    public int? Replicas { get; set; }

    [JsonPropertyName("autoscaling"), SchemaDefault("{}")]
    [Description("Built-in autoscaler; when enabled it owns the replica count.")]
    public AutoscalingSpec? Autoscaling { get; set; }

    [JsonPropertyName("rollout"), SchemaDefault("{}")]
    [Description("How a new revision replaces the stable one.")]
    public RolloutSpec? Rollout { get; set; }

    [JsonPropertyName("revisionHistoryLimit"), SchemaDefault("5"), SchemaRange(minimum: 1, maximum: 50)]
    [Description("Revisions kept in status.revisions.")]
    public int? RevisionHistoryLimit { get; set; }

    [JsonPropertyName("paused"), SchemaDefault("false")]
    [Description("Freezes rollout and autoscaling decisions.")]
    public bool? Paused { get; set; }
}
