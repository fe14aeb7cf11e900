using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.TrainingJobs;
using k8s.Models;

namespace AiOperator.Operator.Tests.TrainingJobs;

internal static class TrainingJobFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static TrainingJob Job(int workers = 2, int gpus = 8) => new()
    {
        Metadata = new V1ObjectMeta { Name = "ft", NamespaceProperty = "vision", Uid = "uid-tj", Generation = 1 },
        Spec = new TrainingJobSpec
        {
            Image = "registry.example/trainer:1.4",
            Command = ["torchrun", "train.py"],
            Workers = workers,
            Resources = new ResourcesSpec
            {
                Gpu = new GpuSpec { Count = gpus, Product = gpus > 0 ? "NVIDIA-H100-80GB-HBM3" : null },
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("4"), ["memory"] = new("32Gi") },
            },
            Checkpoint = new CheckpointSpec { ClaimName = "ckpt", MountPath = "/checkpoints" },
            Output = new OutputSpec { ClaimName = "models", Path = "resnet18/4/model.onnx", ModelVersion = "4" },
            BackoffLimit = 2,
        },
    };

    public static WorkerState Worker(int rank, int gang, string phase = "Running", bool scheduled = true, int? exitCode = null,
        string? reason = null, bool terminating = false, DateTime? finishedAt = null, string? message = null, string? unschedulable = null, DateTime? createdAt = null) => new()
    {
        Name = $"ft-worker-{rank}",
        Rank = rank,
        Gang = gang,
        Phase = phase,
        Scheduled = scheduled,
        ExitCode = exitCode,
        Reason = reason,
        Terminating = terminating,
        FinishedAt = finishedAt,
        TerminationMessage = message,
        UnschedulableMessage = unschedulable,
        CreatedAt = createdAt ?? Now.UtcDateTime.AddSeconds(-10),
    };

    /// <summary>The job with the status a previous decision produced (what the cache shows after the write).</summary>
    public static TrainingJob With(TrainingJob job, TrainingJobStatus status)
    {
        var copy = k8s.KubernetesJson.Deserialize<TrainingJob>(k8s.KubernetesJson.Serialize(job));
        copy.Status = status;
        return copy;
    }

    public static GangObservation Observe(TrainingJob job, params WorkerState[] workers) => new(job, workers, new HashSet<int>());
}
