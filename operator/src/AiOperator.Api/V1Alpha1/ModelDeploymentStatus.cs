using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;

namespace AiOperator.Api.V1Alpha1;

[Description("Observed state of a ModelDeployment.")]
public sealed class ModelDeploymentStatus
{
    [JsonPropertyName("observedGeneration")]
    [Description("The spec generation this status describes.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("phase")]
    [Description("Pending | Progressing | Ready | Degraded | RolledBack | Failed.")]
    public ModelDeploymentPhase? Phase { get; set; }

    [JsonPropertyName("conditions")]
    [Description("Ready, Progressing, Degraded, ModelLoaded, RolledBack, SpecValid.")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("replicas")]
    [Description("Pods of all revisions.")]
    public int? Replicas { get; set; }

    [JsonPropertyName("readyReplicas")]
    [Description("Ready pods of all revisions.")]
    public int? ReadyReplicas { get; set; }

    [JsonPropertyName("desiredReplicas")]
    [Description("The replica count decided by spec.replicas or the autoscaler.")]
    public int? DesiredReplicas { get; set; }

    [JsonPropertyName("ready")]
    [Description("readyReplicas/desiredReplicas, for display.")]
    public string? Ready { get; set; }

    [JsonPropertyName("modelName")]
    [Description("The name the model is served under (spec.model.name, default metadata.name), for display.")]
    public string? ModelName { get; set; }

    [JsonPropertyName("modelVersion")]
    [Description("The model version the spec's revision serves (spec.model.version, or with fromTrainingJob the accepted job output's), for display.")]
    public string? ModelVersion { get; set; }

    [JsonPropertyName("selector")]
    [Description("Label selector of all pods, for the scale subresource.")]
    public string? Selector { get; set; }

    [JsonPropertyName("stableRevision")]
    [Description("Revision serving the bulk of traffic.")]
    public string? StableRevision { get; set; }

    [JsonPropertyName("canaryRevision")]
    [Description("Revision being rolled out, if any.")]
    public string? CanaryRevision { get; set; }

    [JsonPropertyName("canaryWeight")]
    [Description("Weight of the current canary step, in percent. Traffic follows replica counts, so the canary gets round(total x weight / 100) replicas, at least one: its real share can be larger at small replica counts (1 of 2 replicas is 50 %); the Progressing message states it.")]
    public int? CanaryWeight { get; set; }

    [JsonPropertyName("currentStep")]
    [Description("Index of the current canary step.")]
    public int? CurrentStep { get; set; }

    [JsonPropertyName("stepStartedAt")]
    [Description("When the current canary step began.")]
    public DateTime? StepStartedAt { get; set; }

    [JsonPropertyName("analysisFailures")]
    [Description("Failed analysis evaluations in the current rollout.")]
    public int? AnalysisFailures { get; set; }

    [JsonPropertyName("lastAnalysis")]
    [Description("The most recent canary analysis evaluation.")]
    public AnalysisRecord? LastAnalysis { get; set; }

    [JsonPropertyName("specRevision")]
    [Description("Revision the spec named when last reconciled; a Failed revision is retried only after the spec named another.")]
    public string? SpecRevision { get; set; }

    [JsonPropertyName("url")]
    [Description("In-cluster inference URL of the model.")]
    public string? Url { get; set; }

    [JsonPropertyName("metrics")]
    [Description("Serving metrics summary.")]
    public ServingMetrics? Metrics { get; set; }

    [JsonPropertyName("canaryMetrics")]
    [Description("Serving metrics of the canary revision alone, as last judged, while a canary runs.")]
    public ServingMetrics? CanaryMetrics { get; set; }

    [JsonPropertyName("revisions")]
    [Description("Revision history, newest first.")]
    public IList<RevisionRecord>? Revisions { get; set; }

    [JsonPropertyName("acceptedModel")]
    [Description("With spec.model.fromTrainingJob: the job output that last passed the gate, which this ModelDeployment serves.")]
    public OutputModel? AcceptedModel { get; set; }

    [JsonPropertyName("lastRollback")]
    [Description("The most recent rollback.")]
    public RollbackRecord? LastRollback { get; set; }
}
