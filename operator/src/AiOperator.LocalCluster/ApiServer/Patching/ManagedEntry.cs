namespace AiOperator.LocalCluster.ApiServer.Patching;

// One metadata.managedFields entry; Paths are fieldsV1 paths, segments joined by '\n'.
internal sealed record ManagedEntry(string Manager, string Operation, string ApiVersion, string Time, string? Subresource, HashSet<string> Paths);
