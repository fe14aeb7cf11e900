using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.Tests.ApiServer.Auth;
using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Kubectl;

// Authentication and RBAC as real kubectl 1.32 meets them: `auth can-i` (also --as a service account, and
// --list), `auth whoami`, `create token`, impersonation, aggregated ClusterRoles, resourceNames, non-resource
// URLs, the 403 body; and the review kinds other clients send (TokenReview, SubjectAccessReview).
public sealed class KubectlAuthTests(RbacApiServerFixture fixture) : IClassFixture<RbacApiServerFixture>, IDisposable
{
    private readonly KubectlRunner _kubectl = new(fixture.Host);

    public void Dispose() => _kubectl.Dispose();

    // A namespace with service account "robot" that may read pods, and get the one ConfigMap "allowed".
    private async Task<(string Ns, string Robot)> RobotAsync()
    {
        var ns = $"auth-{Guid.NewGuid():N}"[..13];
        var admin = fixture.Admin;
        await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "robot" } }, ns);
        await admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "reader" },
            Rules =
            [
                new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list", "watch"] },
                new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["get"], ResourceNames = ["allowed"] },
            ],
        }, ns);
        await admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "robot-reads" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "reader" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "robot", NamespaceProperty = ns }],
        }, ns);
        return (ns, $"system:serviceaccount:{ns}:robot");
    }

    private async Task<(int Code, string Answer)> CanIAsync(params string[] args)
    {
        var result = await _kubectl.RunAsync(["auth", "can-i", .. args]);
        return (result.ExitCode, result.Stdout.Trim());
    }

    [Fact]
    public async Task Auth_can_i_answers_for_the_admin_and_as_a_service_account()
    {
        var (ns, robot) = await RobotAsync();
        Assert.Equal((0, "yes"), await CanIAsync("create", "deployments", "-n", ns));
        Assert.Equal((0, "yes"), await CanIAsync("list", "pods", "-n", ns, "--as", robot));
        Assert.Equal((1, "no"), await CanIAsync("delete", "pods", "-n", ns, "--as", robot));
        Assert.Equal((1, "no"), await CanIAsync("list", "pods", "-n", "default", "--as", robot));
        Assert.Equal((0, "yes"), await CanIAsync("get", "configmaps/allowed", "-n", ns, "--as", robot));
        Assert.Equal((1, "no"), await CanIAsync("get", "configmaps/other", "-n", ns, "--as", robot));
        Assert.Equal((0, "yes"), await CanIAsync("get", "/healthz", "--as", robot));
        Assert.Equal((1, "no"), await CanIAsync("get", "/logs", "--as", robot));
    }

    [Fact]
    public async Task A_denied_request_gets_the_real_403_status()
    {
        var (ns, robot) = await RobotAsync();
        var denied = await _kubectl.RunAsync("get", "secrets", "-n", ns, "--as", robot);
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains($"Error from server (Forbidden): secrets is forbidden: User \"{robot}\" cannot list resource \"secrets\" in API group \"\" in the namespace \"{ns}\"", denied.Stderr, StringComparison.Ordinal);

        (await _kubectl.RunAsync("get", "pods", "-n", ns, "--as", robot)).EnsureSuccess();
        var named = await _kubectl.RunAsync("delete", "configmap", "allowed", "-n", ns, "--as", robot);
        Assert.Contains($"configmaps \"allowed\" is forbidden: User \"{robot}\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"", named.Stderr, StringComparison.Ordinal);
        var cluster = await _kubectl.RunAsync("get", "nodes", "--as", robot);
        Assert.Contains($"nodes is forbidden: User \"{robot}\" cannot list resource \"nodes\" in API group \"\" at the cluster scope", cluster.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_token_authenticates_as_the_service_account_until_it_is_deleted()
    {
        var (ns, robot) = await RobotAsync();
        var token = (await _kubectl.RunAsync("create", "token", "robot", "-n", ns, "--duration=1h")).EnsureSuccess().Stdout.Trim();
        Assert.NotEmpty(token);

        (await _kubectl.RunAsync("get", "pods", "-n", ns, "--token", token)).EnsureSuccess();
        Assert.Equal((1, "no"), await CanIAsync("create", "pods", "-n", ns, "--token", token));
        var whoami = await _kubectl.RunAsync("get", "secrets", "-n", ns, "--token", token);
        Assert.Contains($"User \"{robot}\" cannot list resource \"secrets\"", whoami.Stderr, StringComparison.Ordinal);

        // Impersonation needs the impersonate verb, which the robot lacks.
        var impersonating = await _kubectl.RunAsync("get", "pods", "-n", ns, "--token", token, "--as", "someone-else");
        Assert.Contains($"users \"someone-else\" is forbidden: User \"{robot}\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", impersonating.Stderr, StringComparison.Ordinal);

        (await _kubectl.RunAsync("delete", "serviceaccount", "robot", "-n", ns)).EnsureSuccess();
        var stale = await _kubectl.RunAsync("get", "pods", "-n", ns, "--token", token);
        Assert.NotEqual(0, stale.ExitCode);
        Assert.Contains("Unauthorized", stale.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_aggregated_cluster_role_collects_the_rules_of_the_roles_it_selects()
    {
        var (ns, robot) = await RobotAsync();
        var label = $"example.com/aggregate-to-{ns}";
        await fixture.Admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = $"{ns}-monitoring" },
            AggregationRule = new V1AggregationRule { ClusterRoleSelectors = [new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [label] = "true" } }] },
        });
        await fixture.Admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = $"{ns}-monitoring" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = $"{ns}-monitoring" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "robot", NamespaceProperty = ns }],
        });
        Assert.Equal((1, "no"), await CanIAsync("list", "services", "-A", "--as", robot));

        await fixture.Admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = $"{ns}-services", Labels = new Dictionary<string, string> { [label] = "true" } },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["services", "endpoints"], Verbs = ["get", "list", "watch"] }],
        });
        Assert.Equal((0, "yes"), await CanIAsync("list", "services", "-A", "--as", robot));
        Assert.Equal((1, "no"), await CanIAsync("list", "nodes", "--as", robot));
    }

    [Fact]
    public async Task Anonymous_callers_see_only_public_info_and_a_bad_token_is_401()
    {
        using var pods = await fixture.Anonymous.GetAsync(new Uri("/api/v1/namespaces/default/pods", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, pods.StatusCode);
        var status = JsonNode.Parse(await pods.Content.ReadAsStringAsync())!;
        Assert.Equal(("Status", "Failure", "Forbidden", 403), ((string?)status["kind"], (string?)status["status"], (string?)status["reason"], (int?)status["code"]));
        Assert.Equal("pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"", (string?)status["message"]);
        Assert.Equal("pods", (string?)status["details"]!["kind"]);

        using var version = await fixture.Anonymous.GetAsync(new Uri("/version", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);

        using var bad = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/namespaces", UriKind.Relative));
        bad.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        using var unauthorized = await fixture.Anonymous.SendAsync(bad);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("Unauthorized", (string?)JsonNode.Parse(await unauthorized.Content.ReadAsStringAsync())!["reason"]);
    }

    [Fact]
    public async Task Auth_can_i_list_shows_the_rules_of_the_namespace_and_whoami_names_the_user()
    {
        var (ns, robot) = await RobotAsync();
        var list = (await _kubectl.RunAsync("auth", "can-i", "--list", "-n", ns, "--as", robot)).EnsureSuccess().Stdout;
        var rows = list.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Equal("Resources Non-Resource URLs Resource Names Verbs", rows[0]);
        Assert.Contains("pods [] [] [get list watch]", rows);
        Assert.Contains("configmaps [] [allowed] [get]", rows);
        Assert.Contains("selfsubjectaccessreviews.authorization.k8s.io [] [] [create]", rows);
        Assert.Contains("[/healthz] [] [get]", rows);
        Assert.DoesNotContain(rows, r => r.StartsWith("secrets", StringComparison.Ordinal));

        // Another namespace has only the cluster-wide rules.
        var elsewhere = (await _kubectl.RunAsync("auth", "can-i", "--list", "-n", "default", "--as", robot)).EnsureSuccess().Stdout;
        Assert.DoesNotContain("pods ", elsewhere, StringComparison.Ordinal);

        // The admin is in system:masters, bound to cluster-admin.
        var admin = (await _kubectl.RunAsync("auth", "can-i", "--list", "-n", ns)).EnsureSuccess().Stdout;
        Assert.Contains("*.*", admin, StringComparison.Ordinal);

        var me = (await _kubectl.RunAsync("auth", "whoami", "-o", "json")).EnsureSuccess().Stdout;
        Assert.Equal("kubernetes-admin", (string?)JsonNode.Parse(me)!["status"]!["userInfo"]!["username"]);
        var asRobot = (await _kubectl.RunAsync("auth", "whoami", "--as", robot)).EnsureSuccess().Stdout;
        Assert.Contains(robot, asRobot, StringComparison.Ordinal);
        Assert.Contains($"system:serviceaccounts:{ns}", asRobot, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_and_subject_access_reviews_answer_for_someone_else()
    {
        var (ns, robot) = await RobotAsync();
        var token = (await _kubectl.RunAsync("create", "token", "robot", "-n", ns)).EnsureSuccess().Stdout.Trim();
        var admin = fixture.Admin;

        var valid = await admin.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = token } });
        Assert.True(valid.Status.Authenticated);
        Assert.Equal(robot, valid.Status.User.Username);
        Assert.Contains($"system:serviceaccounts:{ns}", valid.Status.User.Groups);
        Assert.False(string.IsNullOrEmpty(valid.Status.User.Uid));
        var bogus = await admin.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = "aiop-sa.forged.token" } });
        Assert.False(bogus.Status.Authenticated);
        var otherAudience = await admin.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = token, Audiences = ["vault"] } });
        Assert.False(otherAudience.Status.Authenticated);

        V1SubjectAccessReview Ask(string verb, string resource) => new()
        {
            Spec = new V1SubjectAccessReviewSpec
            {
                User = robot,
                Groups = ["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"],
                ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = ns, Verb = verb, Resource = resource },
            },
        };
        Assert.True((await admin.AuthorizationV1.CreateSubjectAccessReviewAsync(Ask("list", "pods"))).Status.Allowed);
        Assert.False((await admin.AuthorizationV1.CreateSubjectAccessReviewAsync(Ask("list", "secrets"))).Status.Allowed);
        Assert.True((await admin.AuthorizationV1.CreateNamespacedLocalSubjectAccessReviewAsync(
            new V1LocalSubjectAccessReview { Metadata = new V1ObjectMeta { NamespaceProperty = ns }, Spec = Ask("watch", "pods").Spec }, ns)).Status.Allowed);

        // Neither user nor group, or a local review about another namespace: 422 naming the field.
        var anonymousQuestion = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => admin.AuthorizationV1.CreateSubjectAccessReviewAsync(
            new V1SubjectAccessReview { Spec = new V1SubjectAccessReviewSpec { ResourceAttributes = new V1ResourceAttributes { Verb = "get", Resource = "pods" } } }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, anonymousQuestion.Response.StatusCode);
        Assert.Contains("spec.user", anonymousQuestion.Response.Content, StringComparison.Ordinal);
        var wrongNamespace = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => admin.AuthorizationV1.CreateNamespacedLocalSubjectAccessReviewAsync(
            new V1LocalSubjectAccessReview { Metadata = new V1ObjectMeta { NamespaceProperty = ns }, Spec = Ask("list", "pods").Spec }, "default"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongNamespace.Response.StatusCode);
        Assert.Contains("spec.resourceAttributes.namespace", wrongNamespace.Response.Content, StringComparison.Ordinal);

        // Asking about someone else takes the create verb on the review; the robot has none.
        using var robotClient = new Kubernetes(new KubernetesClientConfiguration { Host = fixture.Host.ClientConfiguration.Host, AccessToken = token });
        var denied = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => robotClient.AuthorizationV1.CreateSubjectAccessReviewAsync(Ask("list", "pods")));
        Assert.Equal(HttpStatusCode.Forbidden, denied.Response.StatusCode);
    }
}
