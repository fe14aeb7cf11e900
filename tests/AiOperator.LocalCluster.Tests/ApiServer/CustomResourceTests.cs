using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

public sealed class CustomResourceTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private Kubernetes Client => fixture.Client;

    private async Task<JsonObject> CreateAsync(JsonObject widget, string ns) =>
        ApiServerFixture.ToJson(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(widget, TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural));

    private async Task<JsonObject> GetAsync(string name, string ns) =>
        ApiServerFixture.ToJson(await Client.CustomObjects.GetNamespacedCustomObjectAsync(TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural, name));

    [Fact]
    public async Task A_registered_CRD_is_established_and_served_in_discovery_with_short_names_and_categories()
    {
        await TestCrds.RegisterAsync(Client);
        var crd = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"widgets.{TestCrds.Group}");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "NamesAccepted" && c.Status == "True");

        var resources = JsonNode.Parse(await fixture.Http.GetStringAsync(new Uri($"/apis/{TestCrds.Group}/{TestCrds.Version}", UriKind.Relative)))!;
        var widgets = resources["resources"]!.AsArray().Single(r => (string?)r!["name"] == "widgets")!;
        Assert.Equal("wdg", (string?)widgets["shortNames"]![0]);
        Assert.Equal("ai", (string?)widgets["categories"]![0]);
        var names = resources["resources"]!.AsArray().Select(r => (string?)r!["name"]).ToList();
        Assert.Contains("widgets/status", names);
        Assert.Contains("widgets/scale", names);
        var groups = await fixture.Http.GetStringAsync(new Uri("/apis", UriKind.Relative));
        Assert.Contains(TestCrds.Group, groups, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_violations_are_422_Invalid_with_field_paths()
    {
        await TestCrds.RegisterAsync(Client);
        var ns = await fixture.NewNamespaceAsync();
        var bad = TestCrds.Widget("bad", ns, new JsonObject { ["size"] = "huge", ["replicas"] = -1, ["name"] = "ABC", ["tags"] = new JsonArray(), ["port"] = true, ["labels"] = new JsonObject { ["k"] = "toolong" } });
        var (code, status) = await ApiServerFixture.FailureAsync(() => CreateAsync(bad, ns));
        Assert.Equal(422, code);
        Assert.Equal("Invalid", (string?)status["reason"]);
        var message = (string)status["message"]!;
        Assert.StartsWith("Widget.test.aioperator.dev \"bad\" is invalid: [", message, StringComparison.Ordinal);
        Assert.Contains("spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0", message, StringComparison.Ordinal);
        Assert.Contains("spec.size: Unsupported value: \"huge\": supported values: \"small\", \"large\"", message, StringComparison.Ordinal);
        Assert.Contains("spec.name: Invalid value: \"ABC\": spec.name in body should match '^[a-z]+$'", message, StringComparison.Ordinal);
        Assert.Contains("spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items", message, StringComparison.Ordinal);
        Assert.Contains("spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer or string", message, StringComparison.Ordinal);
        Assert.Contains("spec.labels.k: Too long: may not be more than 5 bytes", message, StringComparison.Ordinal);
        var fields = status["details"]!["causes"]!.AsArray().Select(c => (string?)c!["field"]).ToList();
        Assert.Contains("spec.replicas", fields);
        Assert.Contains("spec.size", fields);

        var missing = TestCrds.Widget("missing", ns, new JsonObject { ["replicas"] = 1 });
        (code, status) = await ApiServerFixture.FailureAsync(() => CreateAsync(missing, ns));
        Assert.Equal(422, code);
        Assert.Equal("Widget.test.aioperator.dev \"missing\" is invalid: spec.size: Required value", (string?)status["message"]);
        Assert.Equal("FieldValueRequired", (string?)status["details"]!["causes"]![0]!["reason"]);

        // Nothing half-written: neither object exists.
        var list = ApiServerFixture.ToJson(await Client.CustomObjects.ListNamespacedCustomObjectAsync(TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural));
        Assert.Empty(list["items"]!.AsArray());
    }

    [Fact]
    public async Task Defaults_are_applied_and_unknown_fields_pruned_except_where_preserved()
    {
        await TestCrds.RegisterAsync(Client);
        var ns = await fixture.NewNamespaceAsync();
        var widget = TestCrds.Widget("w", ns, new JsonObject
        {
            ["size"] = "small",
            ["unknown"] = "dropped",
            ["extra"] = new JsonObject { ["anything"] = new JsonObject { ["goes"] = 1 } },
            ["port"] = "http",
            ["note"] = null,
        });
        widget["topLevelJunk"] = 1;
        var created = await CreateAsync(widget, ns);
        var spec = created["spec"]!;
        Assert.Equal(1, (int)spec["replicas"]!);
        Assert.Equal("auto", (string?)spec["nested"]!["mode"]);
        Assert.Null(spec["unknown"]);
        Assert.False(created.ContainsKey("topLevelJunk"));
        Assert.Equal(1, (int)spec["extra"]!["anything"]!["goes"]!);
        Assert.Equal("http", (string?)spec["port"]);
        Assert.True(spec.AsObject().ContainsKey("note")); // nullable keeps an explicit null
    }

    [Fact]
    public async Task Status_subresource_separates_spec_and_status_and_generation_follows_spec()
    {
        await TestCrds.RegisterAsync(Client);
        var ns = await fixture.NewNamespaceAsync();
        var widget = TestCrds.Widget("s", ns);
        widget["status"] = new JsonObject { ["replicas"] = 9 };
        var created = await CreateAsync(widget, ns);
        Assert.Null(created["status"]); // status is dropped on create
        Assert.Equal(1, (long)created["metadata"]!["generation"]!);

        var statusPatch = new V1Patch("""{"status":{"replicas":3,"selector":"app=s","conditions":[{"type":"Ready","status":"True"}]},"spec":{"size":"large"}}""", V1Patch.PatchType.MergePatch);
        var afterStatus = ApiServerFixture.ToJson(await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(statusPatch, TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural, "s"));
        Assert.Equal(3, (int)afterStatus["status"]!["replicas"]!);
        Assert.Equal("small", (string?)afterStatus["spec"]!["size"]);
        Assert.Equal(1, (long)afterStatus["metadata"]!["generation"]!);

        var mainPatch = new V1Patch("""{"status":{"replicas":100},"spec":{"size":"large"},"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch);
        var afterMain = ApiServerFixture.ToJson(await Client.CustomObjects.PatchNamespacedCustomObjectAsync(mainPatch, TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural, "s"));
        Assert.Equal(3, (int)afterMain["status"]!["replicas"]!);
        Assert.Equal("large", (string?)afterMain["spec"]!["size"]);
        Assert.Equal(2, (long)afterMain["metadata"]!["generation"]!);

        var labelsOnly = new V1Patch("""{"metadata":{"labels":{"x":"z"}}}""", V1Patch.PatchType.MergePatch);
        var afterLabels = ApiServerFixture.ToJson(await Client.CustomObjects.PatchNamespacedCustomObjectAsync(labelsOnly, TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural, "s"));
        Assert.Equal(2, (long)afterLabels["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task Scale_subresource_uses_the_CRD_paths()
    {
        await TestCrds.RegisterAsync(Client);
        var ns = await fixture.NewNamespaceAsync();
        await CreateAsync(TestCrds.Widget("sc", ns, new JsonObject { ["size"] = "small", ["replicas"] = 2 }), ns);
        await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch("""{"status":{"replicas":2,"selector":"app=sc"}}""", V1Patch.PatchType.MergePatch), TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural, "sc");

        var scale = JsonNode.Parse(await fixture.Http.GetStringAsync(new Uri($"/apis/{TestCrds.Group}/v1/namespaces/{ns}/widgets/sc/scale", UriKind.Relative)))!;
        Assert.Equal("Scale", (string?)scale["kind"]);
        Assert.Equal("autoscaling/v1", (string?)scale["apiVersion"]);
        Assert.Equal(2, (int)scale["spec"]!["replicas"]!);
        Assert.Equal("app=sc", (string?)scale["status"]!["selector"]);

        using var patch = new HttpRequestMessage(HttpMethod.Patch, new Uri($"/apis/{TestCrds.Group}/v1/namespaces/{ns}/widgets/sc/scale", UriKind.Relative))
        {
            Content = new StringContent("""{"spec":{"replicas":6}}""", Encoding.UTF8, "application/merge-patch+json"),
        };
        using var response = await fixture.Http.SendAsync(patch);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var widget = await GetAsync("sc", ns);
        Assert.Equal(6, (int)widget["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task Table_answers_carry_the_printer_columns()
    {
        await TestCrds.RegisterAsync(Client);
        var ns = await fixture.NewNamespaceAsync();
        await CreateAsync(TestCrds.Widget("t", ns, new JsonObject { ["size"] = "large", ["replicas"] = 4, ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 8080 }) }), ns);
        await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch("""{"status":{"conditions":[{"type":"Other","status":"False"},{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch), TestCrds.Group, TestCrds.Version, ns, TestCrds.Plural, "t");

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/apis/{TestCrds.Group}/v1/namespaces/{ns}/widgets", UriKind.Relative));
        request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
        using var response = await fixture.Http.SendAsync(request);
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Table", (string?)table["kind"]);
        var columns = table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]).ToList();
        Assert.Equal(["Name", "Size", "Replicas", "Ready", "First-Port", "Age"], columns);
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("t", (string?)cells[0]);
        Assert.Equal("large", (string?)cells[1]);
        Assert.Equal(4, (int)cells[2]!);
        Assert.Equal("True", (string?)cells[3]);
        Assert.Equal(8080, (int)cells[4]!);
        Assert.Matches("^[0-9]+s$", (string?)cells[5]);
        Assert.Equal("PartialObjectMetadata", (string?)table["rows"]![0]!["object"]!["kind"]);
    }

    [Fact]
    public async Task Deleting_the_CRD_stops_serving_it_and_removes_its_objects()
    {
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(TestCrds.Yaml.Replace("widgets", "gadgets", StringComparison.Ordinal).Replace("Widget", "Gadget", StringComparison.Ordinal).Replace("widget", "gadget", StringComparison.Ordinal).Replace("wdg", "gdg", StringComparison.Ordinal));
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        var ns = await fixture.NewNamespaceAsync();
        var gadget = TestCrds.Widget("g", ns);
        gadget["kind"] = "Gadget";
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(gadget, TestCrds.Group, TestCrds.Version, ns, "gadgets");
        using var watchResponse = await fixture.Http.GetAsync(new Uri($"/apis/{TestCrds.Group}/v1/namespaces/{ns}/gadgets?watch=true", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var watchStream = new StreamReader(await watchResponse.Content.ReadAsStreamAsync());
        Assert.Contains("\"ADDED\"", await watchStream.ReadLineAsync(), StringComparison.Ordinal);

        await Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync($"gadgets.{TestCrds.Group}");

        // Its objects go (DELETED) and the watch ends with the resource.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Contains("\"DELETED\"", await watchStream.ReadLineAsync(cts.Token), StringComparison.Ordinal);
        Assert.Null(await watchStream.ReadLineAsync(cts.Token));

        var (code, _) = await ApiServerFixture.FailureAsync(() => Client.CustomObjects.ListNamespacedCustomObjectAsync(TestCrds.Group, TestCrds.Version, ns, "gadgets"));
        Assert.Equal(404, code);
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        var list = ApiServerFixture.ToJson(await Client.CustomObjects.ListNamespacedCustomObjectAsync(TestCrds.Group, TestCrds.Version, ns, "gadgets"));
        Assert.Empty(list["items"]!.AsArray());
    }

    [Fact]
    public async Task A_CRD_with_inconsistent_names_is_rejected()
    {
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(TestCrds.Yaml);
        crd.Metadata.Name = "wrong.example.com";
        var (code, status) = await ApiServerFixture.FailureAsync(() => Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd));
        Assert.Equal(422, code);
        Assert.Equal("metadata.name", (string?)status["details"]!["causes"]![0]!["field"]);
    }

    [Fact]
    public async Task Strategic_merge_patch_on_a_custom_resource_is_415()
    {
        await TestCrds.RegisterAsync(Client);
        var ns = await fixture.NewNamespaceAsync();
        await CreateAsync(TestCrds.Widget("smp", ns), ns);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, new Uri($"/apis/{TestCrds.Group}/v1/namespaces/{ns}/widgets/smp", UriKind.Relative))
        {
            Content = new StringContent("""{"spec":{"size":"large"}}""", Encoding.UTF8),
        };
        patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/strategic-merge-patch+json");
        using var response = await fixture.Http.SendAsync(patch);
        Assert.Equal(415, (int)response.StatusCode);
        Assert.Equal("UnsupportedMediaType", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reason"]!.GetValue<string>());
    }
}
