using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Storage;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Storage;

public sealed class ObjectStoreTests
{
    private static JsonObject Cm(string name) => new() { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "ns", ["uid"] = Guid.NewGuid().ToString() } };

    private static StoredObject Put(ObjectStore store, string name)
    {
        lock (store.Gate)
        {
            var reference = new ObjectRef("/configmaps", "ns", name);
            return store.Put(reference, Cm(name), store.Get(reference));
        }
    }

    [Fact]
    public void A_slow_watcher_is_cut_off_without_blocking_writers_or_other_watchers()
    {
        var store = new ObjectStore(historySize: 1000, watchCapacity: 8);
        var slow = store.Watch("/configmaps", null, _ => true, null).Watcher;
        var fast = store.Watch("/configmaps", null, _ => true, null).Watcher;
        var fastSeen = 0;
        for (var i = 0; i < 50; i++)
        {
            Put(store, $"c{i}");
            while (fast.Channel.Reader.TryRead(out _))
            {
                fastSeen++;
            }
        }

        Assert.True(slow.Overflowed);
        Assert.True(slow.Closed);
        Assert.False(fast.Overflowed);
        Assert.Equal(50, fastSeen);
        Assert.Equal(1, store.WatcherCount);
    }

    [Fact]
    public void History_bounds_how_far_back_a_watch_can_resume()
    {
        var store = new ObjectStore(historySize: 16, watchCapacity: 100);
        var first = Put(store, "first");
        // 17 later events in a 16-slot history: the event right after "first" is gone.
        for (var i = 0; i < 17; i++)
        {
            Put(store, $"c{i}");
        }

        var ex = Assert.Throws<ApiException>(() => store.Watch("/configmaps", null, _ => true, first.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(410, ex.Code);
        Assert.Equal("Expired", ex.Reason);

        var recent = store.CurrentResourceVersion - 3;
        var start = store.Watch("/configmaps", null, _ => true, recent.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, start.Backlog.Count);
        Assert.All(start.Backlog, item => Assert.True(item.Object.ResourceVersion > recent));
    }

    [Fact]
    public void Compaction_expires_continue_tokens_and_watches_but_not_a_fresh_list()
    {
        var store = new ObjectStore(historySize: 100, watchCapacity: 100);
        Put(store, "a");
        Put(store, "b");
        var page = store.List("/configmaps", "ns", _ => true, 1, null);
        Assert.NotNull(page.Continue);
        store.Compact();

        Assert.Equal(410, Assert.Throws<ApiException>(() => store.List("/configmaps", "ns", _ => true, 1, new ContinueAt(page.ResourceVersion, "ns/a"))).Code);
        var fresh = store.List("/configmaps", "ns", _ => true, 0, null);
        Assert.Equal(2, fresh.Items.Count);
        var watch = store.Watch("/configmaps", null, _ => true, fresh.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(watch.Backlog);
    }

    [Fact]
    public void Resource_versions_are_one_global_increasing_counter_and_deletes_get_their_own()
    {
        var store = new ObjectStore(historySize: 100, watchCapacity: 100);
        var a = Put(store, "a");
        var b = Put(store, "b");
        StoredObject removed;
        lock (store.Gate)
        {
            removed = store.Remove(a);
        }

        Assert.True(b.ResourceVersion > a.ResourceVersion);
        Assert.True(removed.ResourceVersion > b.ResourceVersion);
        Assert.Equal(removed.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)removed.Object["metadata"]!["resourceVersion"]);
    }
}
