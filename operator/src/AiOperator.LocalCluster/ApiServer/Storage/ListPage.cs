namespace AiOperator.LocalCluster.ApiServer.Storage;

internal sealed record ListPage(IReadOnlyList<StoredObject> Items, long ResourceVersion, string? Continue, long? RemainingItemCount);
