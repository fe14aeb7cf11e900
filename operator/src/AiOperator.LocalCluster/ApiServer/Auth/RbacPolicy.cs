using AiOperator.LocalCluster.Simulation.Networking;
using k8s.Models;

namespace AiOperator.LocalCluster.ApiServer.Auth;

/// <summary>
/// The RBAC objects of the cluster at one moment, typed, with aggregated ClusterRoles resolved: the
/// rules of a ClusterRole with an aggregationRule are those of every ClusterRole its selectors match,
/// as the clusterrole-aggregation controller of a real cluster writes them.
/// </summary>
internal sealed class RbacPolicy(
    IReadOnlyList<V1ClusterRoleBinding> clusterRoleBindings,
    IReadOnlyList<V1RoleBinding> roleBindings,
    IReadOnlyDictionary<string, V1ClusterRole> clusterRoles,
    IReadOnlyDictionary<(string Namespace, string Name), V1Role> roles)
{
    public IReadOnlyList<V1ClusterRoleBinding> ClusterRoleBindings => clusterRoleBindings;

    public IEnumerable<V1RoleBinding> RoleBindingsIn(string ns) => roleBindings.Where(b => b.Metadata.NamespaceProperty == ns);

    public IReadOnlyList<V1PolicyRule> ClusterRoleRules(string name)
    {
        if (!clusterRoles.TryGetValue(name, out var role))
        {
            return [];
        }

        if (role.AggregationRule?.ClusterRoleSelectors is not { Count: > 0 } selectors)
        {
            return (IReadOnlyList<V1PolicyRule>?)role.Rules ?? [];
        }

        return clusterRoles.Values
            .Where(other => other.Metadata.Name != name && selectors.Any(s => LabelSelectors.Matches(s, other.Metadata.Labels ?? new Dictionary<string, string>())))
            .SelectMany(other => (IEnumerable<V1PolicyRule>?)other.Rules ?? [])
            .Concat((IEnumerable<V1PolicyRule>?)role.Rules ?? [])
            .ToList();
    }

    public IReadOnlyList<V1PolicyRule> RoleRules(string ns, string name) =>
        roles.TryGetValue((ns, name), out var role) ? (IReadOnlyList<V1PolicyRule>?)role.Rules ?? [] : [];
}
