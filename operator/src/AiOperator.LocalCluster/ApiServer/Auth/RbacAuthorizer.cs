using AiOperator.LocalCluster.ApiServer.Storage;
using k8s;
using k8s.Models;

namespace AiOperator.LocalCluster.ApiServer.Auth;

/// <summary>
/// Kubernetes RBAC: a request is allowed when a binding that names the user, one of its groups or its
/// service account grants a rule matching verb, API group, resource (with "resource/subresource" and
/// "*/subresource" forms), resourceNames, or for non-resource requests the URL (with a trailing "*").
/// ClusterRoleBindings apply everywhere; RoleBindings only in their namespace. system:masters is allowed
/// everything, as the real server's privileged group is. The compiled policy is rebuilt only when an RBAC
/// object changed (<see cref="ObjectStore.ChangedAt"/>).
/// </summary>
internal sealed class RbacAuthorizer(ObjectStore store)
{
    private static readonly string[] StoreKeys =
        ["rbac.authorization.k8s.io/clusterroles", "rbac.authorization.k8s.io/clusterrolebindings", "rbac.authorization.k8s.io/roles", "rbac.authorization.k8s.io/rolebindings"];

    private long _compiledAt = -1;
    private RbacPolicy _policy = new([], [], new Dictionary<string, V1ClusterRole>(), new Dictionary<(string, string), V1Role>());

    public AuthorizationDecision Authorize(UserInfo user, AccessAttributes request)
    {
        if (user.Groups.Contains(UserInfo.Masters))
        {
            return new AuthorizationDecision(true, $"allowed: {UserInfo.Masters} is allowed everything");
        }

        var policy = Policy();
        foreach (var binding in policy.ClusterRoleBindings)
        {
            if (Names(binding.Subjects, user, bindingNamespace: null) && binding.RoleRef.Kind == "ClusterRole"
                && policy.ClusterRoleRules(binding.RoleRef.Name).Any(rule => Allows(rule, request)))
            {
                return new AuthorizationDecision(true, $"RBAC: allowed by ClusterRoleBinding \"{binding.Metadata.Name}\" of ClusterRole \"{binding.RoleRef.Name}\" to {Describe(user)}");
            }
        }

        if (request.IsResourceRequest && request.Namespace.Length > 0)
        {
            foreach (var binding in policy.RoleBindingsIn(request.Namespace))
            {
                if (!Names(binding.Subjects, user, binding.Metadata.NamespaceProperty))
                {
                    continue;
                }

                var rules = binding.RoleRef.Kind == "ClusterRole"
                    ? policy.ClusterRoleRules(binding.RoleRef.Name)
                    : policy.RoleRules(request.Namespace, binding.RoleRef.Name);
                if (rules.Any(rule => Allows(rule, request)))
                {
                    return new AuthorizationDecision(true, $"RBAC: allowed by RoleBinding \"{binding.Metadata.Name}/{request.Namespace}\" of {binding.RoleRef.Kind} \"{binding.RoleRef.Name}\" to {Describe(user)}");
                }
            }
        }

        return AuthorizationDecision.Deny;
    }

    /// <summary>
    /// Every rule granted to the user in a namespace (cluster-wide bindings first, then the namespace's),
    /// as SelfSubjectRulesReview lists them: RBAC's RulesFor, which also covers system:masters through the
    /// cluster-admin binding.
    /// </summary>
    public IReadOnlyList<V1PolicyRule> RulesFor(UserInfo user, string ns)
    {
        var policy = Policy();
        var rules = new List<V1PolicyRule>();
        foreach (var binding in policy.ClusterRoleBindings)
        {
            if (binding.RoleRef.Kind == "ClusterRole" && Names(binding.Subjects, user, bindingNamespace: null))
            {
                rules.AddRange(policy.ClusterRoleRules(binding.RoleRef.Name));
            }
        }

        foreach (var binding in policy.RoleBindingsIn(ns))
        {
            if (Names(binding.Subjects, user, binding.Metadata.NamespaceProperty))
            {
                rules.AddRange(binding.RoleRef.Kind == "ClusterRole" ? policy.ClusterRoleRules(binding.RoleRef.Name) : policy.RoleRules(ns, binding.RoleRef.Name));
            }
        }

        return rules;
    }

    /// <summary>The rule-by-rule match of k8s.io/component-helpers' RBAC evaluation (pure).</summary>
    public static bool Allows(V1PolicyRule rule, AccessAttributes request)
    {
        if (!Has(rule.Verbs, request.Verb))
        {
            return false;
        }

        if (!request.IsResourceRequest)
        {
            return rule.NonResourceURLs?.Any(url => url == "*" || url == request.Path || (url.EndsWith('*') && request.Path.StartsWith(url[..^1], StringComparison.Ordinal))) == true;
        }

        if (!Has(rule.ApiGroups, request.Group) || !ResourceMatches(rule.Resources, request))
        {
            return false;
        }

        return rule.ResourceNames is not { Count: > 0 } names || (request.Name.Length > 0 && names.Contains(request.Name));
    }

    private static bool ResourceMatches(IList<string>? resources, AccessAttributes request)
    {
        if (resources is null)
        {
            return false;
        }

        var combined = request.ResourceWithSubresource;
        return resources.Any(r => r == "*" || r == combined || (request.Subresource.Length > 0 && r == "*/" + request.Subresource));
    }

    private static bool Has(IList<string>? values, string value) => values is not null && (values.Contains("*") || values.Contains(value));

    private static bool Names(IList<Rbacv1Subject>? subjects, UserInfo user, string? bindingNamespace) =>
        subjects?.Any(subject => subject.Kind switch
        {
            "User" => subject.Name == user.Name,
            "Group" => user.Groups.Contains(subject.Name),
            "ServiceAccount" => user.Name == $"{UserInfo.ServiceAccountPrefix}{(string.IsNullOrEmpty(subject.NamespaceProperty) ? bindingNamespace : subject.NamespaceProperty)}:{subject.Name}",
            _ => false,
        }) == true;

    private static string Describe(UserInfo user) =>
        user.AsServiceAccount() is { } sa ? $"ServiceAccount \"{sa.Name}/{sa.Namespace}\"" : $"User \"{user.Name}\"";

    private RbacPolicy Policy()
    {
        lock (store.Gate)
        {
            // Under the store's lock, like the cache fields. Rebuilt only when a Role, ClusterRole or binding
            // changed: the store keeps each resource's last-change resourceVersion, so a request costs four lookups.
            var changedAt = StoreKeys.Max(store.ChangedAt);
            if (_compiledAt == changedAt)
            {
                return _policy;
            }

            var clusterRoles = store.Enumerate(StoreKeys[0], null).Select(s => s.Decode<V1ClusterRole>()).ToDictionary(r => r.Metadata.Name, StringComparer.Ordinal);
            var clusterRoleBindings = store.Enumerate(StoreKeys[1], null).Select(s => s.Decode<V1ClusterRoleBinding>()).ToList();
            var roles = store.Enumerate(StoreKeys[2], null).Select(s => s.Decode<V1Role>()).ToDictionary(r => (r.Metadata.NamespaceProperty, r.Metadata.Name));
            var roleBindings = store.Enumerate(StoreKeys[3], null).Select(s => s.Decode<V1RoleBinding>()).ToList();
            _policy = new RbacPolicy(clusterRoleBindings, roleBindings, clusterRoles, roles);
            _compiledAt = changedAt;
            return _policy;
        }
    }
}
