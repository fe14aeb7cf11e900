namespace AiOperator.LocalCluster.ApiServer.Storage;

// One change; Previous is the object before it (MODIFIED, DELETED), so a past state can be rebuilt.
internal sealed record HistoryEntry(string Type, StoredObject Object, StoredObject? Previous);
