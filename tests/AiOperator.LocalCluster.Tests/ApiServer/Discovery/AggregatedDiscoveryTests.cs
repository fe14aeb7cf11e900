using System.Text.Json.Nodes;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Discovery;

// kubectl 1.32 asks /api and /apis for apidiscovery.k8s.io/v2 first; the answer lists every
// resource with its subresources, and a plain Accept still gets the legacy documents.
public sealed class AggregatedDiscoveryTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private const string KubectlAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    private async Task<(string? ContentType, JsonObject Body)> GetAsync(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await fixture.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        // HttpClient re-renders parameters as "; "; the server's spelling is compared without spaces.
        return (response.Content.Headers.ContentType?.ToString().Replace(" ", "", StringComparison.Ordinal), JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static JsonObject Resource(JsonObject list, string group, string version, string resource) =>
        list["items"]!.AsArray().Single(i => ((string?)i!["metadata"]!["name"] ?? "") == group)!["versions"]!.AsArray()
            .Single(v => (string?)v!["version"] == version)!["resources"]!.AsArray().Single(r => (string?)r!["resource"] == resource)!.AsObject();

    [Fact]
    public async Task Apis_and_api_answer_v2_with_every_resource_and_its_subresources()
    {
        var (type, apis) = await GetAsync("/apis", KubectlAccept);
        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", type);
        Assert.Equal(("APIGroupDiscoveryList", "apidiscovery.k8s.io/v2"), ((string?)apis["kind"], (string?)apis["apiVersion"]));
        var deployments = Resource(apis, "apps", "v1", "deployments");
        Assert.Equal(("Namespaced", "deployment", "Deployment"), ((string?)deployments["scope"], (string?)deployments["singularResource"], (string?)deployments["responseKind"]!["kind"]));
        var scale = deployments["subresources"]!.AsArray().Single(s => (string?)s!["subresource"] == "scale")!;
        Assert.Equal(("autoscaling", "Scale"), ((string?)scale["responseKind"]!["group"], (string?)scale["responseKind"]!["kind"]));
        Assert.Equal("Cluster", (string?)Resource(apis, "scheduling.k8s.io", "v1", "priorityclasses")["scope"]);
        Assert.Equal("Current", (string?)apis["items"]![0]!["versions"]![0]!["freshness"]);

        var (_, core) = await GetAsync("/api", KubectlAccept);
        var pods = Resource(core, "", "v1", "pods");
        Assert.Equal(["binding", "eviction", "log", "portforward", "status"], pods["subresources"]!.AsArray().Select(s => (string)s!["subresource"]!).Order(StringComparer.Ordinal));
        var eviction = pods["subresources"]!.AsArray().Single(s => (string?)s!["subresource"] == "eviction")!;
        Assert.Equal(("policy", "v1", "Eviction"), ((string?)eviction["responseKind"]!["group"], (string?)eviction["responseKind"]!["version"], (string?)eviction["responseKind"]!["kind"]));
        Assert.Contains("po", pods["shortNames"]!.AsArray().Select(s => (string?)s));
    }

    [Fact]
    public async Task Older_clients_get_v2beta1_and_plain_json_gets_the_legacy_documents()
    {
        var (type, beta) = await GetAsync("/apis", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json");
        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", type);
        Assert.Equal("apidiscovery.k8s.io/v2beta1", (string?)beta["apiVersion"]);

        var (legacyType, legacy) = await GetAsync("/apis", "application/json");
        Assert.Equal("application/json", legacyType);
        Assert.Equal("APIGroupList", (string?)legacy["kind"]);
    }

    [Fact]
    public async Task Kubectl_discovers_through_the_aggregated_documents_alone()
    {
        using var kubectl = new Kubectl.KubectlRunner(fixture.Host);
        var before = fixture.Host.Requests.Count;
        (await kubectl.RunAsync("get", "deployments,jobs,priorityclasses", "-A")).EnsureSuccess();

        var paths = fixture.Host.Requests.Snapshot().Skip(before).Select(r => r.Path).ToList();
        Assert.Contains("/apis", paths);
        Assert.DoesNotContain("/apis/apps/v1", paths);
        Assert.DoesNotContain("/apis/batch/v1", paths);
    }
}
