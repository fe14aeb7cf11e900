namespace AiOperator.LocalCluster.ApiServer.Storage;

internal sealed record ObjectRef(string StoreKey, string Namespace, string Name);
