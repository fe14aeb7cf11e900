using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.LocalCluster.ApiServer;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Support;

// One local API server per test, so injected faults never leak between tests, plus the framework's
// client on it and an independent KubernetesClient acting as the user.
internal sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(ApiServerHost server, ControllerMetrics metrics, KubeApi api, Kubernetes user)
    {
        Server = server;
        Metrics = metrics;
        Api = api;
        User = user;
    }

    public ApiServerHost Server { get; }

    public ControllerMetrics Metrics { get; }

    public KubeApi Api { get; }

    public Kubernetes User { get; }

    public string Namespace { get; } = $"t-{Guid.NewGuid():N}"[..12];

    public RecordingHandler Sent { get; private init; } = new();

    public static async Task<TestCluster> StartAsync(ApiServerOptions? options = null, KubeApiOptions? apiOptions = null)
    {
        var server = await ApiServerHost.StartAsync(options ?? new ApiServerOptions());
        var metrics = new ControllerMetrics();
        var sent = new RecordingHandler();
        var api = new KubeApi(
            server.ClientConfiguration,
            metrics,
            TimeProvider.System,
            apiOptions ?? new KubeApiOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromSeconds(2), RequestTimeout = TimeSpan.FromSeconds(10) },
            sent);
        var cluster = new TestCluster(server, metrics, api, new Kubernetes(server.ClientConfiguration)) { Sent = sent };
        await cluster.User.CoreV1.CreateNamespaceAsync(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = cluster.Namespace } });
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        User.Dispose();
        Api.Dispose();
        await Server.DisposeAsync();
    }
}
