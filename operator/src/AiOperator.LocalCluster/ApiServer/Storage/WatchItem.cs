namespace AiOperator.LocalCluster.ApiServer.Storage;

internal readonly record struct WatchItem(string Type, StoredObject Object);
