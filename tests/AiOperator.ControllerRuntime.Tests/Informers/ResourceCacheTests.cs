using AiOperator.ControllerRuntime.Informers;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Informers;

public sealed class ResourceCacheTests
{
    [Fact]
    public void Indexes_by_key_namespace_owner_and_label()
    {
        var cache = new ResourceCache<V1Pod>(["app"]);
        cache.Upsert(Pod("a", "ns1", "owner-1", "web"));
        cache.Upsert(Pod("b", "ns1", "owner-2", "web"));
        cache.Upsert(Pod("c", "ns2", "owner-1", "db"));

        Assert.True(cache.TryGet(new ObjectKey("ns1", "a"), out var a));
        Assert.Equal("a", a.Metadata.Name);
        Assert.Null(cache.Get("ns2", "a"));
        Assert.Equal(2, cache.List("ns1").Count);
        Assert.Equal(3, cache.List().Count);
        Assert.Equal(["a", "c"], cache.ListByOwner("owner-1").Select(p => p.Metadata.Name).Order());
        Assert.Equal(["a", "b"], cache.ListByLabel("ns1", "app", "web").Select(p => p.Metadata.Name).Order());
        Assert.Empty(cache.ListByLabel("ns2", "app", "web"));
    }

    [Fact]
    public void Updating_an_object_moves_it_between_index_entries()
    {
        var cache = new ResourceCache<V1Pod>(["app"]);
        cache.Upsert(Pod("a", "ns1", "owner-1", "web"));
        var previous = cache.Upsert(Pod("a", "ns1", "owner-2", "db"));

        Assert.NotNull(previous);
        Assert.Empty(cache.ListByOwner("owner-1"));
        Assert.Single(cache.ListByOwner("owner-2"));
        Assert.Empty(cache.ListByLabel(null, "app", "web"));
        Assert.Single(cache.ListByLabel(null, "app", "db"));
    }

    [Fact]
    public void Remove_clears_the_indexes()
    {
        var cache = new ResourceCache<V1Pod>(["app"]);
        cache.Upsert(Pod("a", "ns1", "owner-1", "web"));

        Assert.NotNull(cache.Remove(new ObjectKey("ns1", "a")));
        Assert.Null(cache.Remove(new ObjectKey("ns1", "a")));
        Assert.Empty(cache.ListByOwner("owner-1"));
        Assert.Empty(cache.ListByLabel(null, "app", "web"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Every_read_is_a_private_copy()
    {
        var cache = new ResourceCache<V1Pod>(["app"]);
        var stored = Pod("a", "ns1", "owner-1", "web");
        cache.Upsert(stored);
        stored.Metadata.Labels["app"] = "changed-after-store";

        var first = cache.Get("ns1", "a")!;
        first.Metadata.Labels["app"] = "changed-by-reader";

        Assert.Equal("web", cache.Get("ns1", "a")!.Metadata.Labels["app"]);
        Assert.Equal("web", cache.ListByOwner("owner-1").Single().Metadata.Labels["app"]);
        Assert.Single(cache.ListByLabel("ns1", "app", "web"));
    }

    [Fact]
    public void Asking_for_a_label_that_is_not_indexed_names_it()
    {
        var cache = new ResourceCache<V1Pod>(["app"]);
        cache.Upsert(Pod("a", "ns1", "owner-1", "web"));

        var error = Assert.Throws<InvalidOperationException>(() => cache.ListByLabel(null, "tier", "web"));
        Assert.Contains("'tier'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clone_gives_an_independent_copy_for_writing()
    {
        var original = Pod("a", "ns1", "owner-1", "web");
        var copy = ObjectCopy.Clone(original);
        copy.Metadata.Labels["app"] = "changed";

        Assert.Equal("web", original.Metadata.Labels["app"]);
    }

    private static V1Pod Pod(string name, string ns, string ownerUid, string app) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { ["app"] = app },
            OwnerReferences = [new V1OwnerReference { Uid = ownerUid, Name = "o", Kind = "ReplicaSet", ApiVersion = "apps/v1" }],
        },
    };
}
