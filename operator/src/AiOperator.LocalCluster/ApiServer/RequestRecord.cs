namespace AiOperator.LocalCluster.ApiServer;

/// <summary>One request the API server answered.</summary>
public sealed record RequestRecord(
    DateTimeOffset Time,
    string Verb,
    string Method,
    string Path,
    string Group,
    string Resource,
    string Namespace,
    string Name,
    string Subresource,
    int StatusCode,
    string UserAgent)
{
    /// <summary>The authenticated user the request acted as (after impersonation).</summary>
    public string User { get; init; } = "";

    /// <summary>True for create, update, patch, delete and deletecollection.</summary>
    public bool IsWrite => Verb is "create" or "update" or "patch" or "delete" or "deletecollection";
}
