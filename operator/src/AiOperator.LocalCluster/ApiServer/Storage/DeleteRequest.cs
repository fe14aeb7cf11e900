namespace AiOperator.LocalCluster.ApiServer.Storage;

internal sealed record DeleteRequest(string? PropagationPolicy, long? GracePeriodSeconds, string? PreconditionUid, string? PreconditionResourceVersion, bool DryRun);
