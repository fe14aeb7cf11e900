using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using k8s.Models;

namespace AiOperator.Api.Tests.Validation;

// Names whose children (Services, worker pods, label values) could never be created are refused up front.
public sealed class ObjectNameRulesTests
{
    [Theory]
    [InlineData("resnet")]
    [InlineData("r")]
    [InlineData("resnet-18-v2")]
    public void A_dns_1035_label_within_the_limit_is_accepted(string name) => Assert.Empty(ObjectNameRules.Validate(name, 63));

    [Theory]
    [InlineData("18resnet")]
    [InlineData("resnet.v2")]
    [InlineData("ResNet")]
    [InlineData("resnet-")]
    [InlineData("res_net")]
    public void A_name_that_is_not_a_dns_1035_label_is_refused_naming_metadata_name(string name)
    {
        var error = Assert.Single(ObjectNameRules.Validate(name, 63));
        Assert.Equal("metadata.name", error.Field);
        Assert.Contains("DNS-1035", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_deployment_name_longer_than_a_service_name_is_refused_with_the_limit()
    {
        var md = new ModelDeployment
        {
            Metadata = new V1ObjectMeta { Name = new string('m', 64) },
            Spec = new ModelDeploymentSpec { Model = new ModelSource { Name = "m", Uri = "pvc://models/m.onnx" } },
        };
        var error = Assert.Single(ModelDeploymentValidator.Validate(md));
        Assert.Equal("metadata.name", error.Field);
        Assert.Contains("63", error.Message, StringComparison.Ordinal);
        md.Metadata.Name = new string('m', 63);
        Assert.Empty(ModelDeploymentValidator.Validate(md));
    }

    [Fact]
    public void A_training_job_name_leaves_room_for_worker_pod_names()
    {
        var job = new TrainingJob { Metadata = new V1ObjectMeta { Name = new string('j', 52) }, Spec = new TrainingJobSpec { Image = "trainer:1", Workers = 1024 } };
        var error = Assert.Single(TrainingJobValidator.Validate(job), e => e.Field == "metadata.name");
        Assert.Contains("51", error.Message, StringComparison.Ordinal);

        // The longest accepted name still gives a worker pod name (its hostname) of at most 63.
        Assert.True($"{new string('j', ObjectNameRules.TrainingJobMaxLength)}-worker-1023".Length <= 63);
    }
}
