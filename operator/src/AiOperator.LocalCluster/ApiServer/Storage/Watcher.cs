using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// One open watch. Events are pushed under the store lock with TryWrite so a slow reader can never
// hold up a writer: when its buffer is full it is cut off and told to relist, as kube-apiserver does.
internal sealed class Watcher
{
    private readonly Func<JsonObject, bool> _filter;

    public Watcher(string storeKey, string? ns, Func<JsonObject, bool> filter, int capacity)
    {
        StoreKey = storeKey;
        Namespace = ns;
        _filter = filter;
        Channel = System.Threading.Channels.Channel.CreateBounded<WatchItem>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string StoreKey { get; }

    public string? Namespace { get; }

    public Channel<WatchItem> Channel { get; }

    public bool Overflowed { get; private set; }

    public bool Closed { get; private set; }

    // Namespace from the stored reference and no tree for a watch without selectors: most watches
    // (informers) have none, and a tree parsed per event per watcher is what the store avoids keeping.
    public bool Matches(StoredObject stored) =>
        (Namespace is null || stored.Ref.Namespace == Namespace) && (ReferenceEquals(_filter, ObjectStore.Everything) || _filter(stored.Object));

    // Selector transitions become ADDED/DELETED, like the watch cache does for filtered watches.
    public void Deliver(HistoryEntry entry)
    {
        if (Closed)
        {
            return;
        }

        var now = Matches(entry.Object);
        string? type = entry.Type;
        if (entry.Type == "MODIFIED" && entry.Previous is not null)
        {
            var before = Matches(entry.Previous);
            type = (before, now) switch
            {
                (true, true) => "MODIFIED",
                (false, true) => "ADDED",
                (true, false) => "DELETED",
                _ => null,
            };
        }
        else if (!now)
        {
            type = null;
        }

        if (type is not null && !Channel.Writer.TryWrite(new WatchItem(type, entry.Object)))
        {
            Overflowed = true;
            Close();
        }
    }

    public void Close()
    {
        if (!Closed)
        {
            Closed = true;
            Channel.Writer.TryComplete();
        }
    }
}
