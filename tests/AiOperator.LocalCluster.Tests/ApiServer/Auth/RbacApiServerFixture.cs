using AiOperator.LocalCluster.ApiServer;
using AiOperator.LocalCluster.ApiServer.Auth;
using k8s;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Auth;

// An API server that enforces RBAC; the admin client is the kubeconfig's user (system:masters).
public sealed class RbacApiServerFixture : IAsyncLifetime
{
    public ApiServerHost Host { get; private set; } = null!;

    public Kubernetes Admin { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await ApiServerHost.StartAsync(new ApiServerOptions { Authorization = AuthorizationMode.Rbac });
        Admin = new Kubernetes(Host.ClientConfiguration);
        Anonymous = new HttpClient { BaseAddress = Host.Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        Anonymous.Dispose();
        await Host.DisposeAsync();
    }
}
