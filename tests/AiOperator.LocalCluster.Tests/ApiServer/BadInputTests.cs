using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AiOperator.Testing;
using k8s;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

// Malformed or wrong requests get a Kubernetes Status naming the problem, nothing is half-written,
// and the server keeps answering.
public sealed class BadInputTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private async Task<(HttpStatusCode Code, JsonObject Status)> SendAsync(HttpMethod method, string path, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await fixture.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    private async Task AssertServerAnswersAsync(string ns)
    {
        var list = await fixture.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        Assert.Empty(list.Items);
    }

    [Theory]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"", "application/json")]
    [InlineData("not json at all", "application/json")]
    [InlineData("[1,2,3]", "application/json")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n", "application/yaml")]
    [InlineData("", "application/json")]
    public async Task Malformed_bodies_are_400_BadRequest(string body, string contentType)
    {
        var ns = await fixture.NewNamespaceAsync();
        var (code, status) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", body, contentType);
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.Equal(400, (int)status["code"]!);
        await AssertServerAnswersAsync(ns);
    }

    [Fact]
    public async Task A_yaml_body_is_accepted()
    {
        var ns = await fixture.NewNamespaceAsync();
        var (code, created) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  port: \"80\"\n  on: 'yes'\n", "application/yaml");
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("80", (string?)created["data"]!["port"]);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/nosuchthings")]
    [InlineData("/apis/nosuch.group/v1/things")]
    [InlineData("/apis/apps/v9/deployments")]
    [InlineData("/not/an/api")]
    public async Task Unknown_resources_are_404_NotFound(string path)
    {
        using var response = await fixture.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("NotFound", (string?)status["reason"]);
    }

    [Fact]
    public async Task A_body_of_another_apiVersion_or_kind_is_400()
    {
        var ns = await fixture.NewNamespaceAsync();
        var (code, status) = await SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", """{"apiVersion":"apps/v2","kind":"Deployment","metadata":{"name":"d"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("the API version in the data (apps/v2) does not match the expected API version (apps/v1)", (string?)status["message"]);

        (code, status) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("Secret", (string?)status["message"], StringComparison.Ordinal);
        await AssertServerAnswersAsync(ns);
    }

    [Fact]
    public async Task Strict_field_validation_rejects_unknown_and_duplicate_fields_naming_them()
    {
        var ns = await fixture.NewNamespaceAsync();
        var path = $"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Strict";
        var (code, status) = await SendAsync(HttpMethod.Post, path, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"u","colour":"red"},"data":{"a":"b"},"dta":{}}""");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"metadata.colour\", unknown field \"dta\"", (string?)status["message"]);

        (code, status) = await SendAsync(HttpMethod.Post, path, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d","name":"e"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("duplicate field \"metadata.name\"", (string?)status["message"], StringComparison.Ordinal);
        await AssertServerAnswersAsync(ns);

        // Warn (the default) stores the object and says why in a Warning header.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/namespaces/{ns}/configmaps", UriKind.Relative))
        {
            Content = new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"w"},"dta":{}}""", Encoding.UTF8, "application/json"),
        };
        using var response = await fixture.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Warning"), w => w.Contains("unknown field", StringComparison.Ordinal) && w.Contains("dta", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Built_in_fields_of_the_wrong_json_type_are_400_so_typed_clients_never_choke()
    {
        var ns = await fixture.NewNamespaceAsync();
        var (code, status) = await SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":"three"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("spec.replicas", (string?)status["message"], StringComparison.Ordinal);
        (code, status) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"c","labels":{"a":1}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("metadata.labels.a", (string?)status["message"], StringComparison.Ordinal);
        (code, _) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods",
            """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":"http"}],"resources":{"limits":{"cpu":2,"memory":"1Gi"}}}]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Empty((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);

        // Quantities may be numbers or strings, int-or-string fields either.
        (code, _) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods",
            """{"metadata":{"name":"ok"},"spec":{"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":2,"memory":"1Gi"}},"readinessProbe":{"httpGet":{"port":"http"}}}]}}""");
        Assert.Equal(HttpStatusCode.Created, code);
    }

    [Fact]
    public async Task Strict_validation_names_an_unknown_field_inside_a_list_by_its_index()
    {
        var ns = await fixture.NewNamespaceAsync();
        var (code, status) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods?fieldValidation=Strict",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"i"},{"name":"d","image":"i","colour":"red"}]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("unknown field \"spec.containers[1].colour\"", (string?)status["message"], StringComparison.Ordinal);
        await AssertServerAnswersAsync(ns);
    }

    [Fact]
    public async Task Strict_validation_of_a_custom_resource_names_the_unknown_field()
    {
        await TestCrds.RegisterAsync(fixture.Client);
        var ns = await fixture.NewNamespaceAsync();
        var (code, status) = await SendAsync(HttpMethod.Post, $"/apis/{TestCrds.Group}/v1/namespaces/{ns}/widgets?fieldValidation=Strict",
            """{"apiVersion":"test.aioperator.dev/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":"small","colour":"red"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("unknown field \"spec.colour\"", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbs_a_path_does_not_support_are_405_MethodNotAllowed()
    {
        var ns = await fixture.NewNamespaceAsync();
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("p", null), ns);
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps"),
            (HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps/named"),
            (HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods/p/log"),
            (HttpMethod.Delete, $"/api/v1/namespaces/{ns}/pods/p/status"),
            (HttpMethod.Post, "/version"),
        })
        {
            var (code, status) = await SendAsync(method, path, "{}");
            Assert.Equal(HttpStatusCode.MethodNotAllowed, code);
            Assert.Equal("MethodNotAllowed", (string?)status["reason"]);
        }
    }

    [Fact]
    public async Task A_body_over_3_MiB_is_413()
    {
        var ns = await fixture.NewNamespaceAsync();
        var big = new string('x', (3 * 1024 * 1024) + 10);
        var (code, status) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"" + big + "\"}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        Assert.Equal("RequestEntityTooLarge", (string?)status["reason"]);
        await AssertServerAnswersAsync(ns);
    }

    [Fact]
    public async Task A_chunked_body_without_a_length_is_read_and_one_over_3_MiB_is_413()
    {
        var ns = await fixture.NewNamespaceAsync();
        async Task<HttpStatusCode> SendChunkedAsync(string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/namespaces/{ns}/configmaps", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.TransferEncodingChunked = true;
            using var response = await fixture.Http.SendAsync(request);
            return response.StatusCode;
        }

        var big = new string('x', (3 * 1024 * 1024) + 10);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await SendChunkedAsync("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"" + big + "\"}}"));
        Assert.Equal(HttpStatusCode.Created, await SendChunkedAsync("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"small"},"data":{"a":"1"}}"""));
        var read = await fixture.Client.CoreV1.ReadNamespacedConfigMapAsync("small", ns);
        Assert.Equal("1", read.Data["a"]);
    }

    [Fact]
    public async Task A_client_gone_in_the_middle_of_its_body_is_recorded_as_such_not_as_an_internal_error()
    {
        var ns = await fixture.NewNamespaceAsync();
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(fixture.Host.Url.Host, fixture.Host.Url.Port);
            await socket.SendAsync(Encoding.ASCII.GetBytes(
                $"POST /api/v1/namespaces/{ns}/configmaps HTTP/1.1\r\nHost: {fixture.Host.Url.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"apiVersion\":\"v1\""));
            socket.Shutdown(SocketShutdown.Send);   // the body stops 982 bytes short, and the client is done
        }

        // A body that broke off is the client's error (400; 499 if the server already saw the client leave),
        // not a 500 logged with a stack trace as an internal error.
        var record = await Eventually.ValueAsync(
            () => Task.FromResult(fixture.Host.Requests.Snapshot().FirstOrDefault(r => r.Namespace == ns && r.Verb == "create")),
            "the abandoned create in the request log", TimeSpan.FromSeconds(20));
        Assert.Contains(record!.StatusCode, new[] { 400, 499 });
        await AssertServerAnswersAsync(ns);
    }

    [Fact]
    public async Task Bad_query_parameters_are_400()
    {
        var ns = await fixture.NewNamespaceAsync();
        foreach (var query in new[] { "labelSelector=app%20in%20web", "limit=abc", "limit=", "fieldSelector=nonsense", "watch=True&timeoutSeconds=1.5" })
        {
            using var response = await fixture.Http.GetAsync(new Uri($"/api/v1/namespaces/{ns}/configmaps?{query}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var (code, _) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?dryRun=Maybe", """{"metadata":{"name":"x"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        (code, _) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Loose", """{"metadata":{"name":"x"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        await AssertServerAnswersAsync(ns);
    }

    [Fact]
    public async Task Invalid_names_and_unsupported_patch_types_are_refused()
    {
        var ns = await fixture.NewNamespaceAsync();
        var (code, status) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"Not_Valid"}}""");
        Assert.Equal((HttpStatusCode)422, code);
        Assert.Equal("metadata.name", (string?)status["details"]!["causes"]![0]!["field"]);

        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(new k8s.Models.V1ConfigMap { Metadata = new k8s.Models.V1ObjectMeta { Name = "p" } }, ns);
        (code, status) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/p", "{}", "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, code);
        Assert.Equal("UnsupportedMediaType", (string?)status["reason"]);
        (code, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/p", "{\"data\":", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.BadRequest, code);
        (code, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/p", "{\"data\":{}}", "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.BadRequest, code); // fieldManager is required for apply
    }

    [Fact]
    public async Task An_invalid_pod_or_deployment_is_422_with_every_cause_and_nothing_is_stored()
    {
        var ns = await fixture.NewNamespaceAsync();
        var (code, status) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods",
            """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x","volumeMounts":[{"name":"nope","mountPath":"/d"}]},{"name":"a"}]}}""");
        Assert.Equal((HttpStatusCode)422, code);
        Assert.Equal("""Pod "p" is invalid: [spec.containers[0].volumeMounts[0].name: Not found: "nope", spec.containers[1].name: Duplicate value: "a", spec.containers[1].image: Required value]""", (string?)status["message"]);
        Assert.Equal("FieldValueNotFound", (string?)status["details"]!["causes"]![0]!["reason"]);
        Assert.Empty((await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items);

        (code, status) = await SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments",
            """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"b"}},"spec":{"containers":[{"name":"a","image":"x"}]}}}}""");
        Assert.Equal((HttpStatusCode)422, code);
        Assert.Equal("spec.template.metadata.labels", (string?)status["details"]!["causes"]![0]!["field"]);
    }

    private const string Mutations = "{}[]\":,09aZ \n\\\u00e9-";

    [Fact]
    public async Task Random_and_mutated_bodies_never_cause_a_server_error()
    {
        var ns = await fixture.NewNamespaceAsync();
        await fixture.Client.CoreV1.CreateNamespacedConfigMapAsync(new k8s.Models.V1ConfigMap { Metadata = new k8s.Models.V1ObjectMeta { Name = "target" } }, ns);
        await TestCrds.RegisterAsync(fixture.Client);
        var random = new Random(7);
        var seeds = new[]
        {
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target","labels":{"a":"b"}},"data":{"k":"v"}}""",
            """[{"op":"replace","path":"/data","value":{"k":"v"}}]""",
            """{"apiVersion":"test.aioperator.dev/v1","kind":"Widget","metadata":{"name":"target"},"spec":{"size":"small","replicas":2,"ports":[{"name":"a","port":1}]}}""",
        };
        var targets = new (HttpMethod Method, string Path, string ContentType)[]
        {
            (HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Strict", "application/json"),
            (HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/target", "application/json"),
            (HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/target", "application/merge-patch+json"),
            (HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/target", "application/json-patch+json"),
            (HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/target", "application/strategic-merge-patch+json"),
            (HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/target?fieldManager=fuzz", "application/apply-patch+yaml"),
            (HttpMethod.Post, $"/apis/{TestCrds.Group}/v1/namespaces/{ns}/widgets", "application/json"),
            (HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", "application/yaml"),
        };

        for (var i = 0; i < 300; i++)
        {
            var body = seeds[random.Next(seeds.Length)].ToCharArray();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                body[random.Next(body.Length)] = Mutations[random.Next(Mutations.Length)];
            }

            var (method, path, contentType) = targets[random.Next(targets.Length)];
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new StringContent(new string(body), Encoding.UTF8) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            using var response = await fixture.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{method} {path} ({contentType}) answered {(int)response.StatusCode}: {text}");
            if (!response.IsSuccessStatusCode)
            {
                Assert.Equal("Status", (string?)JsonNode.Parse(text)!["kind"]);
            }
        }

        var target = await fixture.Client.CoreV1.ReadNamespacedConfigMapAsync("target", ns);
        Assert.Equal("target", target.Metadata.Name);
    }
}
