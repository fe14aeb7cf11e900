using System.Text.Json;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

// One API server per test class; each test works in a namespace of its own.
public sealed class ApiServerFixture : IAsyncLifetime
{
    private int _namespaces;

    public ApiServerHost Host { get; private set; } = null!;

    public Kubernetes Client { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await ApiServerHost.StartAsync(new ApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        Client = new Kubernetes(Host.ClientConfiguration);
        Http = new HttpClient { BaseAddress = Host.Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task<string> NewNamespaceAsync()
    {
        var name = $"t{Interlocked.Increment(ref _namespaces)}-{Guid.NewGuid().ToString("N")[..6]}";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Host.DisposeAsync();
    }

    // The Status body of a failed KubernetesClient call.
    public static async Task<(int Code, JsonObject Status)> FailureAsync(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(call);
        var status = JsonNode.Parse(ex.Response.Content)!.AsObject();
        return ((int)ex.Response.StatusCode, status);
    }

    public static JsonObject ToJson(object value) => JsonNode.Parse(JsonSerializer.Serialize(value))!.AsObject();
}
