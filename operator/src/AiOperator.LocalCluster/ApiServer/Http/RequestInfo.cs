namespace AiOperator.LocalCluster.ApiServer.Http;

// What a request path addresses, like k8s.io/apiserver's RequestInfo.
internal sealed record RequestInfo
{
    public required string Verb { get; init; }

    public bool IsResourceRequest { get; init; }

    public string Path { get; init; } = "";

    public string Group { get; init; } = "";

    public string Version { get; init; } = "";

    public string Namespace { get; init; } = "";

    public string Resource { get; init; } = "";

    public string Name { get; init; } = "";

    public string Subresource { get; init; } = "";

    public bool IsWrite => Verb is "create" or "update" or "patch" or "delete" or "deletecollection";
}
