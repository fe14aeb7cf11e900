using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;

namespace AiOperator.Api.V1Alpha1;

[Description("Observed state of a TrainingJob.")]
public sealed class TrainingJobStatus
{
    [JsonPropertyName("observedGeneration")] [Description("The spec generation this status describes.")] public long? ObservedGeneration { get; set; }
    [JsonPropertyName("phase")] [Description("Pending | Scheduling | Running | Restarting | Succeeded | Failed | Suspended.")] public TrainingJobPhase? Phase { get; set; }
    [JsonPropertyName("conditions")] [Description("Scheduled, Running, Succeeded, Failed, Suspended, SpecValid; ChildrenSynced=False while the API server refuses a worker pod.")] public IList<V1Condition>? Conditions { get; set; }
    [JsonPropertyName("workers")] [Description("Workers by state.")] public WorkerCounts? Workers { get; set; }
    [JsonPropertyName("workersRunning")] [Description("running/workers, for display.")] public string? WorkersRunning { get; set; }
    [JsonPropertyName("restarts")] [Description("Whole-gang restarts so far.")] public int? Restarts { get; set; }
    [JsonPropertyName("startTime")] [Description("When the job first started running.")] public DateTime? StartTime { get; set; }
    [JsonPropertyName("completionTime")] [Description("When the job finished.")] public DateTime? CompletionTime { get; set; }
    [JsonPropertyName("outputModel")] [Description("Set on success; ModelDeployments with fromTrainingJob roll it out.")] public OutputModel? OutputModel { get; set; }
    [JsonPropertyName("attempt")] [Description("Number of the latest gang created (every restart, scheduling retry or resume starts a new one); worker pods carry it as label aioperator.dev/gang.")] public int? Attempt { get; set; }
    [JsonPropertyName("nextGangAt")] [Description("Set while no gang runs after a teardown: the next gang is created at or after this time.")] public DateTime? NextGangAt { get; set; }
    [JsonPropertyName("scheduleTimeouts")] [Description("Gangs torn down because not every worker was scheduled in time; these never consume backoffLimit.")] public int? ScheduleTimeouts { get; set; }
    [JsonPropertyName("lastFailure")] [Description("The most recent worker failure.")] public WorkerFailure? LastFailure { get; set; }
}
