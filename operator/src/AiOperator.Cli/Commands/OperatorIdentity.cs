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

    /// <summary>Creates (or leaves as found) the namespace, account, roles and bindings; <paramref name="manager"/> replaces the manager rules (tests remove a verb).</summary>
    public static async Task ApplyAsync(IKubernetes admin, CancellationToken ct, IReadOnlyList<PolicyRule>? manager = null)
    {
        await Ignore409(() => admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: ct));
        await Ignore409(() => admin.CoreV1.CreateNamespacedServiceAccountAsync(
            new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = ServiceAccount, NamespaceProperty = Namespace } }, Namespace, cancellationToken: ct));
        await Ignore409(() => admin.RbacAuthorizationV1.CreateClusterRoleAsync(
            new V1ClusterRole { Metadata = new V1ObjectMeta { Name = ManagerRole }, Rules = Rules(manager ?? OperatorRbac.Manager) }, cancellationToken: ct));
        await Ignore409(() => admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "ai-operator-manager-rolebinding" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = ManagerRole },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = ServiceAccount, NamespaceProperty = Namespace }],
        }, cancellationToken: ct));
        await Ignore409(() => admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(
            new V1Role { Metadata = new V1ObjectMeta { Name = LeaderElectionRole, NamespaceProperty = Namespace }, Rules = Rules(OperatorRbac.LeaderElection) }, Namespace, cancellationToken: ct));
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
