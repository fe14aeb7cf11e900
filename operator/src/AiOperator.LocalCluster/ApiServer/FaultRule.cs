namespace AiOperator.LocalCluster.ApiServer;

/// <summary>
/// An injected fault: requests matching Verb (get, list, watch, create, update, patch, delete, deletecollection,
/// or "read"/"write"; null = any), Resource (plural, null = any) and UserAgent (prefix, null = any: one client
/// cut off from a server that hangs) fail with StatusCode at Rate, or wait Latency.
/// </summary>
public sealed record FaultRule
{
    public string? Verb { get; init; }

    public string? Resource { get; init; }

    public double Rate { get; init; } = 1.0;

    public int StatusCode { get; init; } = 500;

    public int? RetryAfterSeconds { get; init; }

    public TimeSpan Latency { get; init; }

    public string? UserAgent { get; init; }

    internal bool Matches(string verb, string resource, string userAgent)
    {
        if (UserAgent is not null && !userAgent.StartsWith(UserAgent, StringComparison.Ordinal))
        {
            return false;
        }

        var verbOk = Verb switch
        {
            null => true,
            "read" => verb is "get" or "list" or "watch",
            "write" => verb is "create" or "update" or "patch" or "delete" or "deletecollection",
            _ => string.Equals(Verb, verb, StringComparison.OrdinalIgnoreCase),
        };
        return verbOk && (Resource is null || string.Equals(Resource, resource, StringComparison.OrdinalIgnoreCase));
    }
}
