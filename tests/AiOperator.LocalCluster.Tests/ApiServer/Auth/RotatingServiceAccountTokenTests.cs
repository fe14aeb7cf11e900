using System.Net;
using AiOperator.LocalCluster.ApiServer;
using AiOperator.LocalCluster.ApiServer.Auth;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Auth;

// The operator of a long-running `aiop local` authenticates with service-account tokens: they expire, so
// its client renews them as the kubelet renews a pod's, and never meets a 401.
public sealed class RotatingServiceAccountTokenTests
{
    [Fact]
    public async Task A_service_account_client_renews_its_token_and_outlives_the_first_ones_expiry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions { Authorization = AuthorizationMode.Rbac, TimeProvider = time });
        using var admin = new Kubernetes(host.ClientConfiguration);
        await admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "robot" } }, "default");
        await admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "read-config" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], Verbs = ["list"] }],
        }, "default");
        await admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "robot-reads" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "read-config" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "robot", NamespaceProperty = "default" }],
        }, "default");

        using var rotating = new Kubernetes(host.ServiceAccountConfiguration("default", "robot", TimeSpan.FromHours(1)));
        var once = await admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 3600 } }, "robot", "default");
        using var fixedToken = new Kubernetes(new KubernetesClientConfiguration { Host = host.ClientConfiguration.Host, AccessToken = once.Status.Token });
        await rotating.CoreV1.ListNamespacedConfigMapAsync("default");
        await fixedToken.CoreV1.ListNamespacedConfigMapAsync("default");

        // Ten hours in 50-minute steps: each step passes 80 % of a token's life, and 61 minutes after it
        // was issued the token taken once is refused.
        for (var step = 0; step < 12; step++)
        {
            time.Advance(TimeSpan.FromMinutes(50));
            await rotating.CoreV1.ListNamespacedConfigMapAsync("default");
        }

        var expired = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => fixedToken.CoreV1.ListNamespacedConfigMapAsync("default"));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Response.StatusCode);

        // A deleted account gets no new token: the next renewal fails, and so does the last token issued.
        await admin.CoreV1.DeleteNamespacedServiceAccountAsync("robot", "default");
        time.Advance(TimeSpan.FromMinutes(50));
        await Assert.ThrowsAnyAsync<Exception>(() => rotating.CoreV1.ListNamespacedConfigMapAsync("default"));
    }
}
