using AiOperator.LocalCluster.Simulation.Workloads;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Workloads;

public sealed class ControllerIndexTests
{
    private static V1Pod Pod(string name, string ns, string ownerUid, bool controller) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = ownerUid, Controller = controller }],
        },
    };

    [Fact]
    public void Groups_by_controller_owner_and_keeps_to_the_owners_namespace()
    {
        var index = ControllerIndex.ByControllerUid(new[]
        {
            Pod("a", "ns", "rs-1", controller: true),
            Pod("b", "ns", "rs-1", controller: false),
            Pod("c", "ns", "rs-2", controller: true),
            Pod("d", "elsewhere", "rs-1", controller: true),
        });

        Assert.Equal(["a"], ControllerIndex.Controlled(index, "rs-1", "ns").Select(p => p.Metadata.Name));
        Assert.Equal(["c"], ControllerIndex.Controlled(index, "rs-2", "ns").Select(p => p.Metadata.Name));
        Assert.Empty(ControllerIndex.Controlled(index, "rs-3", "ns"));
        Assert.Empty(ControllerIndex.Controlled(index, null, "ns"));
    }
}
