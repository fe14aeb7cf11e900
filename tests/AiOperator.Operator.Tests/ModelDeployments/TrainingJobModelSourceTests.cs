using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.ModelDeployments;
using k8s.Models;

namespace AiOperator.Operator.Tests.ModelDeployments;

public sealed class TrainingJobModelSourceTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ModelDeployment Following(double? min = 0.9, double? max = null)
    {
        var md = ModelDeploymentFixtures.Resnet();
        md.Spec.Model = new ModelSource { Name = "resnet18", FromTrainingJob = new TrainingJobReference { Name = "ft", Gate = min is null && max is null ? null : new MetricGate { Metric = "accuracy", Min = min, Max = max } } };
        return md;
    }

    private static TrainingJob Job(double accuracy, string version = "4", TrainingJobPhase phase = TrainingJobPhase.Succeeded) => new()
    {
        Metadata = new V1ObjectMeta { Name = "ft", NamespaceProperty = "vision" },
        Status = new TrainingJobStatus
        {
            Phase = phase,
            OutputModel = phase == TrainingJobPhase.Succeeded
                ? new OutputModel { Uri = $"pvc://models/ft/{version}/model.onnx", Version = version, Sha256 = new string('a', 64), Metrics = new Dictionary<string, double> { ["accuracy"] = accuracy } }
                : null,
        },
    };

    // The status a reconcile writes after resolving md against job.
    private static ModelDeploymentStatus Accepting(ModelDeployment md, TrainingJob job)
    {
        var (_, accepted, failure) = TrainingJobModelSource.Resolve(md, job);
        return TrainingJobModelSource.WithSource(new ModelDeploymentStatus(), accepted, failure, 3, Now);
    }

    [Fact]
    public void A_passing_output_becomes_the_model_served_and_is_remembered()
    {
        var (effective, accepted, failure) = TrainingJobModelSource.Resolve(Following(), Job(0.93));
        Assert.Null(failure);
        Assert.Equal(("pvc://models/ft/4/model.onnx", "4", new string('a', 64)), (effective.Spec.Model.Uri, effective.Spec.Model.Version, effective.Spec.Model.Sha256));
        Assert.Equal("ft", effective.Spec.Model.FromTrainingJob!.Name);

        // The status stays the cached one (status writes diff against it); the written status remembers the output.
        Assert.Null(effective.Status);
        Assert.Equal("pvc://models/ft/4/model.onnx", TrainingJobModelSource.WithSource(new ModelDeploymentStatus(), accepted, null, 3, Now).AcceptedModel!.Uri);
    }

    [Fact]
    public void A_failing_output_leaves_the_accepted_model_serving_and_says_why_with_the_value()
    {
        var md = Following();
        md.Status = Accepting(md, Job(0.93));
        var (effective, accepted, failure) = TrainingJobModelSource.Resolve(md, Job(0.5, version: "5"));
        Assert.Equal("pvc://models/ft/4/model.onnx", effective.Spec.Model.Uri);
        Assert.Contains("accuracy 0.5 is below the gate's min 0.9", failure, StringComparison.Ordinal);
        var status = TrainingJobModelSource.WithSource(new ModelDeploymentStatus(), accepted, failure, 3, Now);
        Assert.Equal("4", status.AcceptedModel!.Version);
        var loaded = Conditions.Find(status.Conditions, "ModelLoaded")!;
        Assert.Equal(("False", "GateFailed"), (loaded.Status, loaded.Reason));
        Assert.Contains("still serving pvc://models/ft/4/model.onnx", loaded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_later_passing_output_replaces_the_accepted_one()
    {
        var md = Following();
        md.Status = Accepting(md, Job(0.93));
        var (effective, _, failure) = TrainingJobModelSource.Resolve(md, Job(0.97, version: "5"));
        Assert.Null(failure);
        Assert.Equal(("pvc://models/ft/5/model.onnx", "5"), (effective.Spec.Model.Uri, effective.Spec.Model.Version));
    }

    [Fact]
    public void Nothing_to_serve_while_the_job_runs_is_gone_or_never_passed()
    {
        Assert.Null(TrainingJobModelSource.Resolve(Following(), null).Effective.Spec.Model.Uri);
        Assert.Null(TrainingJobModelSource.Resolve(Following(), Job(0.99, phase: TrainingJobPhase.Running)).Effective.Spec.Model.Uri);
        var (effective, accepted, failure) = TrainingJobModelSource.Resolve(Following(), Job(0.1));
        Assert.Null(effective.Spec.Model.Uri);
        Assert.Null(accepted);
        Assert.NotNull(failure);

        // A job deleted after its output was accepted: the accepted model keeps serving.
        var md = Following();
        md.Status = Accepting(md, Job(0.93));
        Assert.Equal("pvc://models/ft/4/model.onnx", TrainingJobModelSource.Resolve(md, null).Effective.Spec.Model.Uri);
    }

    [Theory]
    [InlineData(0.9, null, 0.9, true)]
    [InlineData(0.9, null, 0.89, false)]
    [InlineData(null, 0.2, 0.2, true)]
    [InlineData(null, 0.2, 0.21, false)]
    [InlineData(0.1, 0.2, 0.15, true)]
    public void The_gate_is_inclusive_at_both_bounds(double? min, double? max, double value, bool passes)
    {
        var from = new TrainingJobReference { Name = "ft", Gate = new MetricGate { Metric = "loss", Min = min, Max = max } };
        var output = new OutputModel { Uri = "pvc://m/x.onnx", Metrics = new Dictionary<string, double> { ["loss"] = value } };
        Assert.Equal(passes, TrainingJobModelSource.GateFailure(from, output) is null);
    }

    [Fact]
    public void A_missing_metric_fails_the_gate_and_no_gate_passes_anything()
    {
        var output = new OutputModel { Uri = "pvc://m/x.onnx" };
        Assert.Contains("reported no metric accuracy", TrainingJobModelSource.GateFailure(new TrainingJobReference { Name = "ft", Gate = new MetricGate { Metric = "accuracy", Min = 0.5 } }, output), StringComparison.Ordinal);
        Assert.Null(TrainingJobModelSource.GateFailure(new TrainingJobReference { Name = "ft" }, output));
    }

    [Fact]
    public void A_uri_model_is_left_as_it_is()
    {
        var md = ModelDeploymentFixtures.Resnet();
        Assert.Same(md, TrainingJobModelSource.Resolve(md, Job(0.93)).Effective);
    }
}
