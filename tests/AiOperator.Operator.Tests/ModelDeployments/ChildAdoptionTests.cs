using AiOperator.Operator.ModelDeployments;
using k8s.Models;

namespace AiOperator.Operator.Tests.ModelDeployments;

public sealed class ChildAdoptionTests
{
    [Fact]
    public void Only_a_child_labelled_for_this_name_without_a_controller_is_an_orphan_to_adopt()
    {
        var md = ModelDeploymentFixtures.Resnet();
        md.Metadata.Uid = "new-uid";
        V1Service Child(string label, params V1OwnerReference[] owners) => new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = "resnet",
                ResourceVersion = "41",
                Labels = new Dictionary<string, string> { ["aioperator.dev/model-deployment"] = label },
                OwnerReferences = owners.Length == 0 ? null : owners,
            },
        };

        Assert.True(ChildAdoption.IsOrphanOf(Child("resnet"), md));
        Assert.True(ChildAdoption.IsOrphanOf(Child("resnet", new V1OwnerReference { Uid = "argo", Name = "app", Controller = false }), md));
        Assert.False(ChildAdoption.IsOrphanOf(Child("resnet", new V1OwnerReference { Uid = "old-uid", Name = "resnet", Controller = true }), md));
        Assert.False(ChildAdoption.IsOrphanOf(Child("other"), md));
        Assert.False(ChildAdoption.IsOrphanOf(null, md));

        var patch = ChildAdoption.Patch(Child("resnet", new V1OwnerReference { Uid = "argo", Name = "app", Kind = "Application", ApiVersion = "argoproj.io/v1alpha1" }), md);
        Assert.Equal("41", (string?)patch["metadata"]!["resourceVersion"]);
        var owners = patch["metadata"]!["ownerReferences"]!.AsArray();
        Assert.Equal(["argo", "new-uid"], owners.Select(o => (string?)o!["uid"]));
        Assert.True((bool?)owners[1]!["controller"]);
    }
}
