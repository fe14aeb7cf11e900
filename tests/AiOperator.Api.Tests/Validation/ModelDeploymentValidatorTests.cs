using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using k8s.Models;

namespace AiOperator.Api.Tests.Validation;

public sealed class ModelDeploymentValidatorTests
{
    private static ModelDeploymentSpec Valid() => new()
    {
        Model = new ModelSource { Name = "resnet18", Version = "3", Uri = "pvc://models/resnet18/3/model.onnx" },
        Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = 1 } },
    };

    private static FieldError Single(ModelDeploymentSpec spec) => Assert.Single(ModelDeploymentValidator.Validate(spec));

    [Fact]
    public void A_valid_spec_has_no_errors() => Assert.Empty(ModelDeploymentValidator.Validate(Valid()));

    [Fact]
    public void Uri_and_fromTrainingJob_together_are_refused()
    {
        var spec = Valid();
        spec.Model.FromTrainingJob = new TrainingJobReference { Name = "job" };
        Assert.Equal("spec.model.fromTrainingJob", Single(spec).Field);
    }

    [Fact]
    public void A_model_without_any_source_is_refused()
    {
        var spec = Valid();
        spec.Model.Uri = null;
        Assert.Equal("spec.model.uri", Single(spec).Field);
    }

    [Theory]
    [InlineData("pvc://models")]
    [InlineData("pvc://models/")]
    [InlineData("pvc://models/../etc/passwd")]
    [InlineData("s3://bucket/model.onnx")]
    [InlineData("http://")]
    public void Malformed_uris_are_refused(string uri)
    {
        var spec = Valid();
        spec.Model.Uri = uri;
        Assert.Equal("spec.model.uri", Single(spec).Field);
    }

    [Theory]
    [InlineData("pvc://models/a/model.onnx")]
    [InlineData("https://models.example/a.onnx")]
    [InlineData("file:///models/a.onnx")]
    public void Supported_uris_pass(string uri)
    {
        var spec = Valid();
        spec.Model.Uri = uri;
        Assert.Empty(ModelDeploymentValidator.Validate(spec));
    }

    [Fact]
    public void A_plain_http_uri_needs_a_sha256_as_the_model_server_does()
    {
        var spec = Valid();
        spec.Model.Uri = "http://models.example/a.onnx";
        var error = Single(spec);
        Assert.Equal("spec.model.sha256", error.Field);
        Assert.Contains("plain http://", error.Message, StringComparison.Ordinal);

        spec.Model.Sha256 = new string('a', 64);
        Assert.Empty(ModelDeploymentValidator.Validate(spec));
    }

    [Fact]
    public void Gate_needs_a_bound_and_min_not_above_max()
    {
        var spec = Valid();
        spec.Model.Uri = null;
        spec.Model.FromTrainingJob = new TrainingJobReference { Name = "job", Gate = new MetricGate { Metric = "accuracy" } };
        Assert.Equal("spec.model.fromTrainingJob.gate", Single(spec).Field);
        spec.Model.FromTrainingJob.Gate = new MetricGate { Metric = "accuracy", Min = 0.9, Max = 0.5 };
        Assert.Equal("spec.model.fromTrainingJob.gate.min", Single(spec).Field);
    }

    [Fact]
    public void Min_replicas_above_max_names_the_field()
    {
        var spec = Valid();
        spec.Autoscaling = new AutoscalingSpec { Enabled = true, MinReplicas = 5, MaxReplicas = 2 };
        var error = Single(spec);
        Assert.Equal("spec.autoscaling.minReplicas", error.Field);
        Assert.Contains("maxReplicas (2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scale_to_zero_is_refused_until_an_activator_exists()
    {
        var spec = Valid();
        spec.Autoscaling = new AutoscalingSpec { Enabled = true, MinReplicas = 0 };
        var error = Single(spec);
        Assert.Equal("spec.autoscaling.minReplicas", error.Field);
        Assert.Contains("activator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Target_must_be_positive_and_gpu_utilization_a_fraction()
    {
        var spec = Valid();
        spec.Autoscaling = new AutoscalingSpec { Target = 0 };
        Assert.Equal("spec.autoscaling.target", Single(spec).Field);
        spec.Autoscaling = new AutoscalingSpec { Metric = AutoscalingMetric.GpuUtilization, Target = 70 };
        Assert.Equal("spec.autoscaling.target", Single(spec).Field);
        spec.Autoscaling = new AutoscalingSpec { Metric = AutoscalingMetric.LatencyP95Ms, Target = 0.2 };
        Assert.Contains("milliseconds", Single(spec).Message, StringComparison.Ordinal);
        spec.Autoscaling = new AutoscalingSpec { Metric = AutoscalingMetric.LatencyP95Ms, Target = 250 };
        Assert.Empty(ModelDeploymentValidator.Validate(spec));
    }

    [Fact]
    public void Step_weights_must_rise()
    {
        var spec = Valid();
        spec.Rollout = new RolloutSpec { Steps = [new() { Weight = 10 }, new() { Weight = 50 }, new() { Weight = 50 }] };
        Assert.Equal("spec.rollout.steps[2].weight", Single(spec).Field);
    }

    [Fact]
    public void A_mig_slice_is_requested_at_most_once_per_pod()
    {
        var spec = Valid();
        spec.Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = 2, ResourceName = "nvidia.com/mig-1g.10gb" } };
        Assert.Equal("spec.resources.gpu.count", Single(spec).Field);
        spec.Resources.Gpu.Count = 1;
        Assert.Empty(ModelDeploymentValidator.Validate(spec));
    }

    [Fact]
    public void Cuda_without_gpus_is_refused()
    {
        var spec = Valid();
        spec.Resources = null;
        spec.Runtime = new RuntimeSpec { ExecutionProvider = ExecutionProvider.Cuda };
        Assert.Equal("spec.runtime.executionProvider", Single(spec).Field);
    }

    [Fact]
    public void Requests_above_limits_name_the_resource()
    {
        var spec = Valid();
        spec.Resources!.Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = new("16Gi") };
        spec.Resources.Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("8Gi") };
        Assert.Equal("spec.resources.requests.memory", Single(spec).Field);
    }

    [Fact]
    public void Gpus_in_requests_are_refused()
    {
        var spec = Valid();
        spec.Resources!.Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new("1") };
        Assert.Equal("spec.resources.limits.nvidia.com/gpu", Single(spec).Field);
    }

    [Fact]
    public void Duplicate_env_names_are_refused()
    {
        var spec = Valid();
        spec.Runtime = new RuntimeSpec { Env = [new V1EnvVar { Name = "A", Value = "1" }, new V1EnvVar { Name = "A", Value = "2" }] };
        Assert.Equal("spec.runtime.env[1].name", Single(spec).Field);
    }

    [Fact]
    public void Conflicting_gpu_product_selector_is_refused()
    {
        var spec = Valid();
        spec.Resources!.Gpu!.Product = "NVIDIA-H100-80GB-HBM3";
        spec.Scheduling = new SchedulingSpec { NodeSelector = new Dictionary<string, string> { ["nvidia.com/gpu.product"] = "NVIDIA-A100" } };
        Assert.Equal("spec.scheduling.nodeSelector.nvidia.com/gpu.product", Single(spec).Field);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var spec = Valid();
        spec.Model.FromTrainingJob = new TrainingJobReference { Name = "job" };
        spec.Autoscaling = new AutoscalingSpec { MinReplicas = 9, MaxReplicas = 2 };
        spec.Rollout = new RolloutSpec { Steps = [new() { Weight = 50 }, new() { Weight = 10 }] };
        Assert.Equal(3, ModelDeploymentValidator.Validate(spec).Count);
    }
}
