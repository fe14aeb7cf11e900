namespace AiOperator.LocalCluster.ApiServer.Storage;

// A registered watcher plus the events it must send before anything from its channel.
internal sealed record WatchStart(Watcher Watcher, IReadOnlyList<WatchItem> Backlog);
