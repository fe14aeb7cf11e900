using AiOperator.Operator.Rbac;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AiOperator.Cli.Commands;

/// <summary>
/// Who the operator is on `aiop local`: the ServiceAccount and bindings that `config/default` installs
/// (namespace ai-operator-system, name prefix ai-operator-), with the rules of <see cref="OperatorRbac"/> —
/// the single source `config/rbac` is generated from. Running the operator as this account on a cluster
/// that enforces RBAC makes a missing grant fail locally exactly as it would on a real cluster.
/// </summary>
internal static class OperatorIdentity
{
    public const string Namespace = "ai-operator-system";
    public const string ServiceAccount = "ai-operator-controller-manager";
    public const string ManagerRole = "ai-operator-manager-role";
    public const string LeaderElectionRole = "ai-operator-leader-election-role";

    /// <summary>
    /// Creates the namespace, account, roles and bindings, or leaves them as found, except the roles' rules:
    /// a restart on an older state folder gets this build's rules, as `kubectl apply -k config/default` would
    /// give them. <paramref name="manager"/> replaces the manager rules (tests remove a verb).
    /// </summary>
    public static async Task ApplyAsync(IKubernetes admin, CancellationToken ct, IReadOnlyList<PolicyRule>? manager = null)
    {
        await Ignore409(() => admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: ct));
        await Ignore409(() => admin.CoreV1.CreateNamespacedServiceAccountAsync(
            new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = ServiceAccount, NamespaceProperty = Namespace } }, Namespace, cancellationToken: ct));
        var managerRules = Rules(manager ?? OperatorRbac.Manager);
        await CreateOrSetRulesAsync(
            () => admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole { Metadata = new V1ObjectMeta { Name = ManagerRole }, Rules = managerRules }, cancellationToken: ct),
            async () =>
            {
                var role = await admin.RbacAuthorizationV1.ReadClusterRoleAsync(ManagerRole, cancellationToken: ct);
                role.Rules = managerRules;
                await admin.RbacAuthorizationV1.ReplaceClusterRoleAsync(role, ManagerRole, cancellationToken: ct);
            });
        await Ignore409(() => admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "ai-operator-manager-rolebinding" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = ManagerRole },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = ServiceAccount, NamespaceProperty = Namespace }],
        }, cancellationToken: ct));
        var leaderRules = Rules(OperatorRbac.LeaderElection);
        await CreateOrSetRulesAsync(
            () => admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(
                new V1Role { Metadata = new V1ObjectMeta { Name = LeaderElectionRole, NamespaceProperty = Namespace }, Rules = leaderRules }, Namespace, cancellationToken: ct),
            async () =>
            {
                var role = await admin.RbacAuthorizationV1.ReadNamespacedRoleAsync(LeaderElectionRole, Namespace, cancellationToken: ct);
                role.Rules = leaderRules;
                await admin.RbacAuthorizationV1.ReplaceNamespacedRoleAsync(role, LeaderElectionRole, Namespace, cancellationToken: ct);
            });
        await Ignore409(() => admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "ai-operator-leader-election-rolebinding", NamespaceProperty = Namespace },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = LeaderElectionRole },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = ServiceAccount, NamespaceProperty = Namespace }],
        }, Namespace, cancellationToken: ct));
    }

    private static List<V1PolicyRule> Rules(IEnumerable<PolicyRule> rules) =>
    [
        .. rules.Select(r => new V1PolicyRule
        {
            ApiGroups = [.. r.ApiGroups],
            Resources = [.. r.Resources],
            Verbs = [.. r.Verbs],
            ResourceNames = r.ResourceNames is { } names ? [.. names] : null,
        }),
    ];

    // The replace carries the resourceVersion it read; a concurrent change makes it fail with 409, and it is read again.
    private static async Task CreateOrSetRulesAsync(Func<Task> create, Func<Task> readAndReplace)
    {
        try
        {
            await create();
            return;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await readAndReplace();
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 5)
            {
            }
        }
    }

    private static async Task Ignore409(Func<Task> create)
    {
        try
        {
            await create();
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Already there (a restarted `aiop local` on the same state): keep what is there.
        }
    }
}
