using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using k8s.Models;

namespace AiOperator.Api.Tests.Validation;

public sealed class TrainingJobValidatorTests
{
    private static TrainingJobSpec Valid() => new()
    {
        Image = "trainer:1",
        Workers = 4,
        Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = 8 } },
        Output = new OutputSpec { ClaimName = "models", Path = "resnet18/4/model.onnx", ModelVersion = "4" },
    };

    [Fact]
    public void A_valid_spec_has_no_errors() => Assert.Empty(TrainingJobValidator.Validate(Valid()));

    [Fact]
    public void Output_path_must_stay_inside_the_claim()
    {
        var spec = Valid();
        spec.Output!.Path = "a/../../b.onnx";
        Assert.Equal("spec.output.path", Assert.Single(TrainingJobValidator.Validate(spec)).Field);
    }

    [Theory]
    [InlineData("/output", "the output claim")]
    [InlineData("/tmp/", "the workers' scratch space")]
    public void A_checkpoint_mounted_where_the_operator_mounts_is_refused(string mountPath, string what)
    {
        var spec = Valid();
        spec.Checkpoint = new CheckpointSpec { ClaimName = "ckpt", MountPath = mountPath };
        var error = Assert.Single(TrainingJobValidator.Validate(spec));
        Assert.Equal("spec.checkpoint.mountPath", error.Field);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);

        spec.Checkpoint.MountPath = "/output/checkpoints";
        Assert.Empty(TrainingJobValidator.Validate(spec));
    }

    [Fact]
    public void Mig_count_above_one_is_refused()
    {
        var spec = Valid();
        spec.Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = 2, ResourceName = "nvidia.com/mig-3g.40gb" } };
        Assert.Equal("spec.resources.gpu.count", Assert.Single(TrainingJobValidator.Validate(spec)).Field);
    }

    [Fact]
    public void Empty_image_and_unnamed_env_are_refused()
    {
        var spec = Valid();
        spec.Image = " ";
        spec.Env = [new V1EnvVar { Value = "x" }];
        Assert.Equal(["spec.image", "spec.env[0].name"], TrainingJobValidator.Validate(spec).Select(e => e.Field));
    }

    [Fact]
    public void Reserved_env_names_are_refused_naming_the_entry()
    {
        var spec = Valid();
        spec.Env = [new V1EnvVar { Name = "LR", Value = "0.1" }, new V1EnvVar { Name = "WORLD_SIZE", Value = "3" }, new V1EnvVar { Name = "CHECKPOINT_DIR", Value = "/x" }];
        var errors = TrainingJobValidator.Validate(spec);
        Assert.Equal(["spec.env[1].name", "spec.env[2].name"], errors.Select(e => e.Field));
        Assert.Contains("WORLD_SIZE", errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_workers_and_a_missing_output_claim_are_refused()
    {
        var spec = Valid();
        spec.Workers = 0;
        spec.Output = null;
        Assert.Equal(["spec.workers", "spec.output.claimName"], TrainingJobValidator.Validate(spec).Select(e => e.Field));
    }

    [Theory]
    [InlineData("resnet", 4, true)]
    [InlineData("Resnet", 4, false)]
    [InlineData("9lives", 4, false)]
    [InlineData("a-name-of-fifty-one-characters-exactly-abcdefghijkl", 10, true)]      // the schema's limit: "-worker-NNNN" still fits 63
    [InlineData("a-name-of-fifty-four-characters-exactly-abcdefghijklmn", 10, false)]
    [InlineData("a-name-of-fifty-six-characters-exactly-abcdefghijklmnopq", 1, false)]
    public void The_name_must_fit_worker_hostnames_and_the_service(string name, int workers, bool valid)
    {
        var spec = Valid();
        spec.Workers = workers;
        var job = new TrainingJob { Metadata = new V1ObjectMeta { Name = name }, Spec = spec };
        var errors = TrainingJobValidator.Validate(job);
        Assert.Equal(valid, errors.Count == 0);
        Assert.All(errors, e => Assert.Equal("metadata.name", e.Field));
    }
}
