using System.Text.Json.Nodes;

namespace AiOperator.LocalCluster.ApiServer.Auth;

/// <summary>
/// The default ClusterRoles and bindings every cluster starts with (the subset of kube-apiserver's
/// bootstrap policy that a fresh cluster's users rely on): cluster-admin for system:masters, discovery and
/// health for every authenticated user, self access reviews (`kubectl auth can-i`), and public info for
/// anonymous callers.
/// </summary>
internal static class BootstrapPolicy
{
    private static readonly string[] DiscoveryUrls = ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"];
    private static readonly string[] PublicUrls = ["/healthz", "/livez", "/readyz", "/version", "/version/"];

    public static IEnumerable<(string Plural, JsonObject Object)> Objects()
    {
        yield return ("clusterroles", Role("cluster-admin",
            Rule(["*"], ["*"], ["*"]),
            new JsonObject { ["nonResourceURLs"] = Array(["*"]), ["verbs"] = Array(["*"]) }));
        yield return ("clusterrolebindings", Binding("cluster-admin", "cluster-admin", UserInfo.Masters));

        yield return ("clusterroles", Role("system:discovery", new JsonObject { ["nonResourceURLs"] = Array(DiscoveryUrls), ["verbs"] = Array(["get"]) }));
        yield return ("clusterrolebindings", Binding("system:discovery", "system:discovery", UserInfo.Authenticated));

        yield return ("clusterroles", Role("system:basic-user",
            Rule(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"]),
            Rule(["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], ["create"])));
        yield return ("clusterrolebindings", Binding("system:basic-user", "system:basic-user", UserInfo.Authenticated));

        yield return ("clusterroles", Role("system:public-info-viewer", new JsonObject { ["nonResourceURLs"] = Array(PublicUrls), ["verbs"] = Array(["get"]) }));
        yield return ("clusterrolebindings", Binding("system:public-info-viewer", "system:public-info-viewer", UserInfo.Authenticated, UserInfo.Unauthenticated));
    }

    private static JsonObject Rule(string[] groups, string[] resources, string[] verbs) =>
        new() { ["apiGroups"] = Array(groups), ["resources"] = Array(resources), ["verbs"] = Array(verbs) };

    private static JsonObject Role(string name, params JsonObject[] rules) => new()
    {
        ["apiVersion"] = "rbac.authorization.k8s.io/v1",
        ["kind"] = "ClusterRole",
        ["metadata"] = Metadata(name),
        ["rules"] = new JsonArray([.. rules]),
    };

    private static JsonObject Binding(string name, string role, params string[] groups) => new()
    {
        ["apiVersion"] = "rbac.authorization.k8s.io/v1",
        ["kind"] = "ClusterRoleBinding",
        ["metadata"] = Metadata(name),
        ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = role },
        ["subjects"] = new JsonArray([.. groups.Select(g => (JsonNode)new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Group", ["name"] = g })]),
    };

    private static JsonObject Metadata(string name) => new()
    {
        ["name"] = name,
        ["labels"] = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" },
        ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
    };

    private static JsonArray Array(string[] values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
