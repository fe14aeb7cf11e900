namespace AiOperator.LocalCluster.ApiServer.Http;

internal sealed record StatusCause(string Reason, string Message, string? Field);
