namespace AiOperator.LocalCluster.ApiServer.Storage;

// A registered watcher plus the events it must send before anything from its channel, and the
// store's resourceVersion when it was registered (what the initial events are as new as).
internal sealed record WatchStart(Watcher Watcher, IReadOnlyList<WatchItem> Backlog, long ResourceVersion);
