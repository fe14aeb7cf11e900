namespace AiOperator.LocalCluster.ApiServer.Storage;

internal sealed record ContinueAt(long ResourceVersion, string LastKey);
