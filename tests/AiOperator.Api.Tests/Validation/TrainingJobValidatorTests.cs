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
}
