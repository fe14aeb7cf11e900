using AiOperator.Api.Crds;
using k8s;
using k8s.Models;

namespace AiOperator.Api.Tests.Crds;

public sealed class CrdGeneratorTests
{
    public static TheoryData<string> CopyFolders => new() { "crds", "config/crd/bases", "charts/ai-operator/crds" };

    [Theory]
    [MemberData(nameof(CopyFolders))]
    public void Checked_in_crds_match_the_types(string folder)
    {
        foreach (var crd in AiOperatorCrds.All)
        {
            var path = Path.Combine(RepositoryRoot.Path, folder, crd.FileName);
            Assert.True(File.Exists(path), $"{folder}/{crd.FileName} is missing; run: {Regenerate}");
            var expected = CrdGenerator.RenderYaml(crd);
            var actual = File.ReadAllText(path);
            if (expected != actual)
            {
                Assert.Fail($"{folder}/{crd.FileName} is stale; run: {Regenerate}\n{FirstDifference(expected, actual)}");
            }
        }
    }

    [Fact]
    public void Crds_round_trip_through_the_client_model()
    {
        foreach (var crd in AiOperatorCrds.All)
        {
            var parsed = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdGenerator.RenderYaml(crd));
            Assert.Equal("apiextensions.k8s.io/v1", parsed.ApiVersion);
            Assert.Equal(crd.Name, parsed.Metadata.Name);
            Assert.Equal("Namespaced", parsed.Spec.Scope);
            Assert.Contains("ai", parsed.Spec.Names.Categories);
            var version = Assert.Single(parsed.Spec.Versions);
            Assert.True(version.Storage);
            Assert.NotNull(version.Subresources.Status);
            Assert.Equal("object", version.Schema.OpenAPIV3Schema.Type);
            Assert.Contains("spec", version.Schema.OpenAPIV3Schema.Required);
            Assert.Equal(crd.PrinterColumns.Select(c => c.Name), version.AdditionalPrinterColumns.Select(c => c.Name));

            // Re-serialising through the client model must keep every schema field we emit.
            var again = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(KubernetesYaml.Serialize(parsed));
            Assert.Equal(KubernetesJson.Serialize(parsed), KubernetesJson.Serialize(again));
        }
    }

    [Fact]
    public void ModelDeployment_has_scale_subresource_and_names_from_the_api_contract()
    {
        var parsed = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdGenerator.RenderYaml(AiOperatorCrds.ModelDeployments));
        Assert.Equal(["mdep"], parsed.Spec.Names.ShortNames);
        var scale = parsed.Spec.Versions[0].Subresources.Scale;
        Assert.Equal(".spec.replicas", scale.SpecReplicasPath);
        Assert.Equal(".status.replicas", scale.StatusReplicasPath);
        Assert.Equal(".status.selector", scale.LabelSelectorPath);
        var columns = parsed.Spec.Versions[0].AdditionalPrinterColumns;
        Assert.Equal(["Model", "Version", "Phase", "Ready", "Weight", "Age"], columns.Where(c => (c.Priority ?? 0) == 0).Select(c => c.Name));
        Assert.Equal(["Stable", "Canary", "Step"], columns.Where(c => c.Priority == 1).Select(c => c.Name));
        Assert.Equal(".status.canaryRevision", columns.Single(c => c.Name == "Canary").JsonPath);

        var tj = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdGenerator.RenderYaml(AiOperatorCrds.TrainingJobs));
        Assert.Equal(["tj"], tj.Spec.Names.ShortNames);
        Assert.Null(tj.Spec.Versions[0].Subresources.Scale);
    }

    [Fact]
    public void Schema_is_fully_structural_with_embedded_kubernetes_types_typed()
    {
        // env, tolerations and affinity are typed as the core API defines them: a wrongly typed field is
        // refused at apply time instead of reaching the operator as an object it cannot decode.
        foreach (var crd in AiOperatorCrds.All)
        {
            var schema = CrdGenerator.Build(crd)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
            var preserved = new List<string>();
            Walk(schema, "", preserved);
            Assert.Empty(preserved);
        }

        var md = CrdGenerator.Build(AiOperatorCrds.ModelDeployments)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!;
        Assert.Equal("string", (string?)md["runtime"]!["properties"]!["env"]!["items"]!["properties"]!["value"]!["type"]);
        Assert.Equal("name", (string?)md["runtime"]!["properties"]!["env"]!["items"]!["required"]![0]);
        Assert.Equal("integer", (string?)md["scheduling"]!["properties"]!["tolerations"]!["items"]!["properties"]!["tolerationSeconds"]!["type"]);
        Assert.Equal("topologyKey", (string?)md["scheduling"]!["properties"]!["affinity"]!["properties"]!["podAffinity"]!["properties"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["items"]!["required"]![0]);
    }

    private static void Walk(System.Text.Json.Nodes.JsonNode node, string path, List<string> preserved)
    {
        if (node["x-kubernetes-preserve-unknown-fields"] is not null)
        {
            preserved.Add(path.TrimStart('.'));
        }

        if (node["properties"] is System.Text.Json.Nodes.JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                Walk(child!, $"{path}.{name}", preserved);
            }
        }

        if (node["items"] is { } items)
        {
            Walk(items, path + "[]", preserved);
        }

        Assert.False(node["type"] is null && node["anyOf"] is null && node["x-kubernetes-preserve-unknown-fields"] is null,
            $"{path} has no type: the schema would not be structural");
    }

    private const string Regenerate =
        "dotnet run --project operator/src/AiOperator.Cli -- crds --output crds --copy-to config/crd/bases --copy-to charts/ai-operator/crds";

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end of file>";
            var al = i < a.Length ? a[i] : "<end of file>";
            if (el != al)
            {
                return $"first difference at line {i + 1}:\n- checked in: {al}\n+ generated:  {el}";
            }
        }

        return "files differ only in line endings";
    }
}
