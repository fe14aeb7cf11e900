namespace AiOperator.LocalCluster.ApiServer.Auth;

/// <summary>What a request asks to do, as RBAC sees it (k8s.io/apiserver's authorizer.Attributes).</summary>
internal sealed record AccessAttributes
{
    public required string Verb { get; init; }

    public bool IsResourceRequest { get; init; }

    public string Group { get; init; } = "";

    public string Resource { get; init; } = "";

    public string Subresource { get; init; } = "";

    public string Namespace { get; init; } = "";

    public string Name { get; init; } = "";

    /// <summary>For non-resource requests: the URL path.</summary>
    public string Path { get; init; } = "";

    public static AccessAttributes NonResource(string verb, string path) => new() { Verb = verb, Path = path };

    /// <summary>"pods" or "pods/log": how rules name a resource with its subresource.</summary>
    public string ResourceWithSubresource => Subresource.Length == 0 ? Resource : $"{Resource}/{Subresource}";
}
