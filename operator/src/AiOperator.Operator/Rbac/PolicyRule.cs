namespace AiOperator.Operator.Rbac;

/// <summary>
/// One RBAC rule of the operator. Why says why a grant is kept that the operator's own requests do not show
/// (an admission check, a controller that lands later); the RBAC test accepts an unused grant only with one.
/// </summary>
internal sealed record PolicyRule(string[] ApiGroups, string[] Resources, string[] Verbs, string[]? ResourceNames = null, string? Why = null)
{
    /// <summary>Cluster-scoped resources (CRDs) need a ClusterRole even when the operator watches only some namespaces.</summary>
    public bool ClusterScoped => ApiGroups.Contains("apiextensions.k8s.io");

    public bool Allows(string group, string resource, string verb, string name) =>
        ApiGroups.Contains(group) && Resources.Contains(resource) && Verbs.Contains(verb)
        && (ResourceNames is null || ResourceNames.Contains(name));
}
