namespace AiOperator.Operator.Rbac;

/// <summary>
/// One RBAC rule of the operator. Why says why a grant is kept that the operator's own requests do not show
/// (an admission check, a controller that lands later); the RBAC test accepts an unused grant only with one.
/// </summary>
internal sealed record PolicyRule(string[] ApiGroups, string[] Resources, string[] Verbs, string[]? ResourceNames = null, string? Why = null)
{
    private static readonly string[] ClusterScopedResources = ["customresourcedefinitions", "nodes", "namespaces", "priorityclasses"];

    /// <summary>Cluster-scoped resources (CRDs, nodes) need a ClusterRole even when the operator watches only some namespaces.</summary>
    public bool ClusterScoped => Resources.All(r => ClusterScopedResources.Contains(r.Split('/')[0]));

    public bool Allows(string group, string resource, string verb, string name) =>
        ApiGroups.Contains(group) && Resources.Contains(resource) && Verbs.Contains(verb)
        && (ResourceNames is null || ResourceNames.Contains(name));
}
