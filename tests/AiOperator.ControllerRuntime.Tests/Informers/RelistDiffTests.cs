using AiOperator.ControllerRuntime.Informers;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Informers;

public sealed class RelistDiffTests
{
    [Fact]
    public void Objects_missing_from_the_new_list_become_synthetic_deletes()
    {
        var cached = new[] { Pod("a", "1"), Pod("b", "2"), Pod("c", "3") };
        var listed = new[] { Pod("a", "1"), Pod("c", "7"), Pod("d", "8") };

        var changes = RelistDiff.Compute(cached, listed);

        Assert.Equal(["b"], changes.Deleted.Select(p => p.Metadata.Name));
        Assert.Equal(["d"], changes.Added.Select(p => p.Metadata.Name));
        var updated = Assert.Single(changes.Updated);
        Assert.Equal("3", updated.Old.Metadata.ResourceVersion);
        Assert.Equal("7", updated.New.Metadata.ResourceVersion);
        Assert.Equal(1, changes.Unchanged);
    }

    [Fact]
    public void A_recreated_object_with_the_same_name_counts_as_updated()
    {
        var old = Pod("a", "5");
        var recreated = Pod("a", "5");
        recreated.Metadata.Uid = "other-uid";

        var changes = RelistDiff.Compute([old], [recreated]);

        Assert.Single(changes.Updated);
        Assert.Empty(changes.Deleted);
    }

    [Fact]
    public void Same_name_in_different_namespaces_are_different_objects()
    {
        var changes = RelistDiff.Compute([Pod("a", "1", "ns1")], [Pod("a", "1", "ns2")]);

        Assert.Single(changes.Added);
        Assert.Single(changes.Deleted);
    }

    [Fact]
    public void Empty_list_deletes_everything_cached()
    {
        var changes = RelistDiff.Compute([Pod("a", "1"), Pod("b", "1")], Array.Empty<V1Pod>());

        Assert.Equal(2, changes.Deleted.Count);
    }

    private static V1Pod Pod(string name, string rv, string ns = "default") =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = rv, Uid = $"uid-{ns}-{name}" } };
}
