using AiOperator.Api.V1Alpha1;
using k8s.Models;

namespace AiOperator.Cli.Demo;

/// <summary>
/// The custom resources the demo applies, with windows and pauses shortened so the whole day fits in a
/// few minutes. The demo writes each to YAML in the state directory so a reader can apply them by hand.
/// </summary>
internal static class DemoManifests
{
    public const string Namespace = "demo";
    public const string ModelName = "mlp";
    public const string ModelsClaim = "models";
    public const string TrainerImage = "ghcr.io/aioperator/trainer:0.1.0";
    public const string BrokenModelPath = "mlp/broken/model.onnx";

    /// <summary>The demo's namespace enforces the restricted Pod Security Standard: the operator's pods meet it.</summary>
    public static V1Namespace DemoNamespace() => new()
    {
        ApiVersion = "v1",
        Kind = "Namespace",
        Metadata = new V1ObjectMeta
        {
            Name = Namespace,
            Labels = new Dictionary<string, string>
            {
                ["pod-security.kubernetes.io/enforce"] = "restricted",
                ["pod-security.kubernetes.io/warn"] = "restricted",
            },
        },
    };

    /// <summary>Two workers, one GPU each; rank 0 writes models/mlp/VERSION/model.onnx and metrics.json.</summary>
    public static TrainingJob Training(string name, string version, int seed) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Spec = new TrainingJobSpec
        {
            Image = TrainerImage,
            Args = ["--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            Workers = 2,
            Resources = new ResourcesSpec
            {
                Gpu = new GpuSpec { Count = 1 },
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("256Mi") },
            },
            BackoffLimit = 2,
            // Each job its own checkpoints: the trainer refuses to resume one written with another seed.
            Checkpoint = new CheckpointSpec { ClaimName = $"{name}-checkpoints" },
            Output = new OutputSpec { ClaimName = ModelsClaim, Path = $"mlp/{version}/model.onnx", ModelVersion = version },
        },
    };

    /// <summary>
    /// Serves whatever the named job produced once its accuracy reaches 0.9; autoscaled on requests per
    /// second (in-flight concurrency would depend on how fast the load generator runs on a busy machine; the
    /// request rate under closed-loop load stays far above the target either way); upgrades go through two short canary steps judged every 3 s.
    /// </summary>
    public static ModelDeployment Serving(string trainingJob) => new()
    {
        Metadata = new V1ObjectMeta { Name = ModelName, NamespaceProperty = Namespace },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSource
            {
                Name = ModelName,
                FromTrainingJob = new TrainingJobReference { Name = trainingJob, Gate = new MetricGate { Metric = "accuracy", Min = 0.9 } },
            },
            Runtime = new RuntimeSpec { MaxBatchSize = 8, MaxQueueDelayMicroseconds = 500 },
            Resources = new ResourcesSpec
            {
                Gpu = new GpuSpec { Count = 1 },
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("256Mi") },
            },
            Autoscaling = new AutoscalingSpec
            {
                Enabled = true,
                MinReplicas = 1,
                MaxReplicas = 3,
                Metric = AutoscalingMetric.RequestsPerSecond,
                Target = 200,
                ScaleDownStabilizationSeconds = 15,
            },
            Rollout = new RolloutSpec
            {
                Strategy = RolloutStrategy.Canary,
                Steps = [new RolloutStep { Weight = 34, PauseSeconds = 8 }, new RolloutStep { Weight = 67, PauseSeconds = 8 }],
                Analysis = new AnalysisSpec { IntervalSeconds = 3, MaxErrorRate = 0.01, MaxLatencyP95Ms = 1000, MinRequests = 10, FailureLimit = 2 },
                AutoRollback = true,
                ProgressDeadlineSeconds = 60,
            },
            RevisionHistoryLimit = 5,
        },
    };
}
