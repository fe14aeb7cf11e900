namespace AiOperator.LocalCluster.ApiServer.Storage;

internal sealed record HistoryEntry(string Type, StoredObject Object, StoredObject? Previous);
