using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Workloads;

using AiOperator.LocalCluster.Simulation.Workloads;

public sealed class PodTemplateHashTests
{
    [Fact]
    public void Hash_is_stable_ignores_its_own_label_and_changes_with_the_template()
    {
        var template = DeploymentPlanTests.Deployment("web", "img:1", 1).Spec.Template;
        var hash = PodTemplateHash.Compute(template);

        var labelled = DeploymentPlanTests.Deployment("web", "img:1", 1).Spec.Template;
        labelled.Metadata.Labels[PodTemplateHash.Label] = "whatever";

        Assert.Equal(hash, PodTemplateHash.Compute(template));
        Assert.Equal(hash, PodTemplateHash.Compute(labelled));
        Assert.NotEqual(hash, PodTemplateHash.Compute(DeploymentPlanTests.Deployment("web", "img:2", 1).Spec.Template));
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]+$", hash);
        Assert.False(template.Metadata.Labels.ContainsKey(PodTemplateHash.Label));
    }

    [Fact]
    public void Random_suffix_uses_the_safe_alphabet()
    {
        var suffixes = Enumerable.Range(0, 50).Select(_ => PodTemplateHash.RandomSuffix()).ToList();

        Assert.All(suffixes, s => Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{5}$", s));
        Assert.True(suffixes.Distinct().Count() > 40);
    }
}
