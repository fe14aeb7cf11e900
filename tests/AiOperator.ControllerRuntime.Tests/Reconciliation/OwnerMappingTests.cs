using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Reconciliation;

public sealed class OwnerMappingTests
{
    private static readonly ResourceKind ModelDeployment = new("aioperator.dev", "v1alpha1", "ModelDeployment", "modeldeployments");

    [Fact]
    public void Maps_a_controlled_child_to_its_owner_in_the_same_namespace()
    {
        var child = Meta("vision", Ref("aioperator.dev/v1alpha1", "ModelDeployment", "resnet", controller: true));

        Assert.Equal([new ObjectKey("vision", "resnet")], OwnerMapping.OwnersOf(child, ModelDeployment));
    }

    [Fact]
    public void Ignores_other_kinds_other_groups_and_non_controller_refs_by_default()
    {
        var child = Meta(
            "vision",
            Ref("apps/v1", "ReplicaSet", "rs", controller: true),
            Ref("other.dev/v1alpha1", "ModelDeployment", "foreign", controller: true),
            Ref("aioperator.dev/v1alpha1", "ModelDeployment", "weak", controller: false));

        Assert.Empty(OwnerMapping.OwnersOf(child, ModelDeployment));
        Assert.Equal([new ObjectKey("vision", "weak")], OwnerMapping.OwnersOf(child, ModelDeployment, controllerOnly: false));
    }

    [Fact]
    public void Any_version_of_the_owner_group_matches()
    {
        var child = Meta("vision", Ref("aioperator.dev/v1beta1", "ModelDeployment", "resnet", controller: true));

        Assert.Single(OwnerMapping.OwnersOf(child, ModelDeployment));
    }

    [Fact]
    public void Controller_reference_round_trips_through_the_mapping()
    {
        var owner = new V1Deployment { ApiVersion = "apps/v1", Kind = "Deployment", Metadata = new V1ObjectMeta { Name = "d", NamespaceProperty = "ns", Uid = "u" } };
        var child = Meta("ns", OwnerMapping.ControllerReference(owner));

        Assert.Equal([new ObjectKey("ns", "d")], OwnerMapping.OwnersOf(child, ResourceKind.For<V1Deployment>()));
    }

    private static V1OwnerReference Ref(string apiVersion, string kind, string name, bool controller) =>
        new() { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = $"uid-{name}", Controller = controller };

    private static V1ObjectMeta Meta(string ns, params V1OwnerReference[] owners) => new() { Name = "child", NamespaceProperty = ns, OwnerReferences = owners };
}
