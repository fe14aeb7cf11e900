using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Storage;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Storage;

public sealed class StoredObjectTests
{
    private static JsonObject Pod() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = "p",
            ["namespace"] = "ns",
            ["uid"] = "u-1",
            ["labels"] = new JsonObject { ["app"] = "web" },
            ["ownerReferences"] = new JsonArray(
                new JsonObject { ["uid"] = "rs-1", ["controller"] = true },
                new JsonObject { ["uid"] = "other" }),
        },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "x" }) },
    };

    // Not inlined, so no local of the caller keeps the tree alive and the GC may take it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static StoredObject Store(ObjectStore store)
    {
        lock (store.Gate)
        {
            return store.Put(new ObjectRef("/pods", "ns", "p"), Pod(), null);
        }
    }

    [Fact]
    public void Indexed_fields_are_read_once_at_commit()
    {
        var stored = Store(new ObjectStore(100, 8));

        Assert.Equal("v1", stored.ApiVersion);
        Assert.Equal("u-1", stored.Uid);
        Assert.Equal(["rs-1", "other"], stored.OwnerUids);
    }

    [Fact]
    public void The_tree_read_after_a_collection_is_the_committed_object()
    {
        var stored = Store(new ObjectStore(100, 8));
        var expected = JsonNode.Parse(stored.Json)!;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var tree = stored.Object;

        Assert.True(JsonNode.DeepEquals(expected, tree));
        Assert.Equal("1", tree["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Same(tree, stored.Object);
    }

    [Fact]
    public void A_mutable_copy_leaves_the_stored_object_alone()
    {
        var stored = Store(new ObjectStore(100, 8));
        var before = stored.Json.ToArray();

        var copy = stored.MutableCopy();
        copy["metadata"]!["labels"]!["app"] = "changed";

        Assert.NotSame(stored.Object, copy);
        Assert.Equal("web", stored.Object["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal(before, stored.Json);
    }

    [Fact]
    public void A_filtered_watch_still_sees_selector_transitions_when_trees_were_collected()
    {
        var store = new ObjectStore(100, 8);
        var watch = store.Watch("/pods", "ns", obj => obj["metadata"]?["labels"]?["app"]?.GetValue<string>() == "web", null).Watcher;
        var first = Store(store);
        lock (store.Gate)
        {
            var relabelled = first.MutableCopy();
            relabelled["metadata"]!["labels"]!["app"] = "db";
            GC.Collect();
            store.Put(first.Ref, relabelled, first);
        }

        Assert.True(watch.Channel.Reader.TryRead(out var added));
        Assert.Equal("ADDED", added.Type);
        Assert.True(watch.Channel.Reader.TryRead(out var left));
        Assert.Equal("DELETED", left.Type);
    }
}
