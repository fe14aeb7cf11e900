using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;
using k8s.Models;

namespace AiOperator.Api.V1Alpha1;

[Description("Desired state of a TrainingJob.")]
public sealed class TrainingJobSpec
{
    [JsonPropertyName("image"), RequiredField, SchemaLength(1, 512)]
    [Description("Trainer image.")]
    public string Image { get; set; } = "";

    [JsonPropertyName("command"), SchemaLength(maximum: 64)]
    [Description("Entrypoint of the trainer container.")]
    public IList<string>? Command { get; set; }

    [JsonPropertyName("args"), SchemaLength(maximum: 256)]
    [Description("Arguments of the trainer container.")]
    public IList<string>? Args { get; set; }

    [JsonPropertyName("env"), SchemaLength(maximum: 256)]
    [Description("Extra environment variables, passed through.")]
    public IList<V1EnvVar>? Env { get; set; }

    [JsonPropertyName("workers"), SchemaDefault("1"), SchemaRange(minimum: 1, maximum: 1024)]
    [Description("Pods in the gang; one rank each.")]
    public int? Workers { get; set; }

    [JsonPropertyName("resources"), SchemaDefault("{}")]
    [Description("GPU and compute resources of each worker.")]
    public ResourcesSpec? Resources { get; set; }

    [JsonPropertyName("scheduling")]
    [Description("Where workers may run.")]
    public SchedulingSpec? Scheduling { get; set; }

    [JsonPropertyName("distributed"), SchemaDefault("{}")]
    [Description("Rendezvous settings.")]
    public DistributedSpec? Distributed { get; set; }

    [JsonPropertyName("gang"), SchemaDefault("{}")]
    [Description("Gang scheduling settings.")]
    public GangSpec? Gang { get; set; }

    [JsonPropertyName("backoffLimit"), SchemaDefault("3"), SchemaRange(minimum: 0, maximum: 100)]
    [Description("Whole-gang restarts after a worker fails; the budget is never reset.")]
    public int? BackoffLimit { get; set; }

    [JsonPropertyName("restartPolicy"), SchemaDefault("\"OnFailure\"")]
    [Description("OnFailure | Never | ExitCode (restart on exit codes >= 128 or signals, fail at once on 1-127).")]
    public TrainingRestartPolicy? RestartPolicy { get; set; }

    [JsonPropertyName("activeDeadlineSeconds"), SchemaDefault("0"), SchemaRange(minimum: 0)]
    [Description("Fail the job after this many seconds running; 0 = none.")]
    public long? ActiveDeadlineSeconds { get; set; }

    [JsonPropertyName("ttlSecondsAfterFinished"), SchemaDefault("0"), SchemaRange(minimum: 0)]
    [Description("Delete the finished job after this many seconds; 0 = keep.")]
    public long? TtlSecondsAfterFinished { get; set; }

    [JsonPropertyName("suspend"), SchemaDefault("false")]
    [Description("True tears the pods down and keeps the job.")]
    public bool? Suspend { get; set; }

    [JsonPropertyName("checkpoint")]
    [Description("Checkpoint claim mounted into every worker.")]
    public CheckpointSpec? Checkpoint { get; set; }

    [JsonPropertyName("output"), RequiredField]
    [Description("Where rank 0 writes the model (and optional metrics.json beside it).")]
    public OutputSpec? Output { get; set; }
}
