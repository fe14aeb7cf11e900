using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.Operator.TrainingJobs;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.Status;

/// <summary>
/// Status is computed on a copy of what the cache holds (the cached object is shared by every reader),
/// and every such copy goes through <see cref="ObjectCopy"/>: the copy must carry every field and share
/// no mutable part with the original.
/// </summary>
public sealed class StatusCopyTests
{
    [Fact]
    public void A_model_deployment_status_copy_is_equal_and_shares_nothing()
    {
        var original = new ModelDeploymentStatus
        {
            ObservedGeneration = 7,
            Phase = ModelDeploymentPhase.Progressing,
            Conditions = [new V1Condition { Type = "Available", Status = "True", Reason = "MinimumReplicasAvailable", Message = "2/2", LastTransitionTime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc) }],
            Replicas = 2,
            CanaryRevision = "2-abc123",
            CanaryWeight = 20,
            StepStartedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            Revisions = [new RevisionRecord { Name = "1-0c0ffe", ModelVersion = "1", CreatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) }],
            AcceptedModel = new OutputModel { Uri = "pvc://models/m/1/model.onnx", Version = "1", Sha256 = new string('a', 64), Metrics = new Dictionary<string, double> { ["accuracy"] = 0.95 } },
        };

        var copy = ObjectCopy.Clone(original);

        Assert.Equal(KubernetesJson.Serialize(original), KubernetesJson.Serialize(copy));
        copy.Conditions![0].Status = "False";
        copy.Revisions!.Add(new RevisionRecord { Name = "2-abc123" });
        copy.AcceptedModel!.Metrics!["accuracy"] = 0.1;
        Assert.Equal("True", original.Conditions[0].Status);
        Assert.Single(original.Revisions);
        Assert.Equal(0.95, original.AcceptedModel.Metrics!["accuracy"]);
    }

    [Fact]
    public void A_training_job_status_copy_is_equal_and_shares_nothing()
    {
        var original = new TrainingJobStatus
        {
            Phase = TrainingJobPhase.Running,
            Workers = new WorkerCounts { Running = 2 },
            Restarts = 1,
            OutputModel = new OutputModel { Uri = "pvc://models/j/model.onnx", Version = "1" },
        };

        var copy = TrainingJobStatusProjection.Copy(original);

        Assert.Equal(KubernetesJson.Serialize(original), KubernetesJson.Serialize(copy));
        copy.Workers!.Running = 0;
        copy.OutputModel!.Uri = "changed";
        Assert.Equal(2, original.Workers.Running);
        Assert.Equal("pvc://models/j/model.onnx", original.OutputModel.Uri);
        Assert.NotNull(TrainingJobStatusProjection.Copy(null));
    }

    [Fact]
    public void Copying_nothing_is_refused() =>
        Assert.Throws<ArgumentNullException>(() => ObjectCopy.Clone<ModelDeploymentStatus>(null!));
}
