using AiOperator.Operator.ModelDeployments;

namespace AiOperator.Operator.Tests.ModelDeployments;

public sealed class RevisionNameTests
{
    private const string Image = "server:1";

    [Fact]
    public void Same_spec_gives_the_same_revision_and_any_template_change_a_new_one()
    {
        var md = ModelDeploymentFixtures.Resnet();
        var first = RevisionName.Compute("3", ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image));
        var again = RevisionName.Compute("3", ModelServerPodTemplate.Render(ModelDeploymentFixtures.Resnet(), md.Spec.Model.Uri!, Image));
        Assert.Equal(first, again);
        Assert.Matches("^3-[0-9a-f]{6}$", first);

        md.Spec.Runtime = new Api.V1Alpha1.RuntimeSpec { MaxBatchSize = 16 };
        Assert.NotEqual(first, RevisionName.Compute("3", ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image)));
    }

    [Fact]
    public void Replica_count_is_not_part_of_the_revision()
    {
        var two = ModelDeploymentFixtures.Resnet(replicas: 2);
        var five = ModelDeploymentFixtures.Resnet(replicas: 5);
        Assert.Equal(
            RevisionName.Compute("3", ModelServerPodTemplate.Render(two, two.Spec.Model.Uri!, Image)),
            RevisionName.Compute("3", ModelServerPodTemplate.Render(five, five.Spec.Model.Uri!, Image)));
    }

    [Theory]
    [InlineData("V1.2_rc", "v1-2-rc")]
    [InlineData(null, "v")]
    [InlineData("___", "v")]
    public void Versions_become_dns_label_safe(string? version, string prefix)
    {
        var md = ModelDeploymentFixtures.Resnet();
        var name = RevisionName.Compute(version, ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image));
        Assert.StartsWith(prefix + "-", name, StringComparison.Ordinal);
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
    }
}
