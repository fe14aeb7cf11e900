using System.Text.Json;
using System.Text.Json.Nodes;
using AiOperator.Api.Crds;
using Json.Schema;

namespace AiOperator.Api.Tests.Crds;

/// <summary>The samples pass the generated schema and the invalid ones fail on the field they name.</summary>
public sealed class CrdSchemaValidationTests
{
    // The custom resources only: the samples' kustomization also holds their Namespaces and PriorityClass.
    public static TheoryData<string> Samples() => Files(Path.Combine(RepositoryRoot.Path, "config", "samples"), "aioperator_*.yaml");

    public static TheoryData<string> InvalidSamples() => Files(Path.Combine(RepositoryRoot.Path, "tests", "AiOperator.Api.Tests", "InvalidSamples"));

    [Theory]
    [MemberData(nameof(Samples))]
    public void Samples_are_valid(string file)
    {
        var (crd, instance) = Load(file);
        var result = SchemaOf(crd).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{Path.GetFileName(file)}: {Describe(result)}");
    }

    [Theory]
    [MemberData(nameof(InvalidSamples))]
    public void Invalid_samples_are_rejected_at_the_field_they_name(string file)
    {
        var expected = File.ReadLines(file).First().Replace("# expect:", "", StringComparison.Ordinal).Trim();
        var (crd, instance) = Load(file);
        var result = SchemaOf(crd).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.False(result.IsValid, $"{Path.GetFileName(file)} was accepted");
        var pointer = "/" + expected.Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Replace('.', '/');
        var failing = (result.Details ?? []).Where(d => !d.IsValid && d.Errors is { Count: > 0 }).Select(d => d.InstanceLocation.ToString()).ToList();
        Assert.True(failing.Any(l => l.StartsWith(pointer, StringComparison.Ordinal) || pointer.StartsWith(l + "/", StringComparison.Ordinal) && l.Length > 1),
            $"{Path.GetFileName(file)}: expected an error at {pointer}, got {string.Join(", ", failing)}");
    }

    [Fact]
    public void No_sample_is_named_like_a_child_of_another()
    {
        // A ModelDeployment's Services are <name> and, while a canary runs, <name>-canary; a TrainingJob's is
        // <name>-workers. Two samples claiming one name in a namespace would leave one of them in NameConflict.
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "config", "samples"), "aioperator_*.yaml");
        var claims = files.Select(f => Load(f).Instance).SelectMany(o =>
        {
            var ns = o.GetProperty("metadata").GetProperty("namespace").GetString();
            var name = o.GetProperty("metadata").GetProperty("name").GetString();
            List<string> services = o.GetProperty("kind").GetString() == "ModelDeployment" ? [name!, name + "-canary"] : [name + "-workers"];
            return services.Select(service => (Service: $"{ns}/{service}", Owner: name));
        }).ToList();
        var clashes = claims.GroupBy(c => c.Service).Where(g => g.Select(c => c.Owner).Distinct().Count() > 1).Select(g => g.Key).ToList();
        Assert.True(clashes.Count == 0, $"Service names claimed by two samples: {string.Join(", ", clashes)}");
    }

    private static TheoryData<string> Files(string folder, string pattern = "*.yaml")
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(folder, pattern).Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(file);
        }

        return data;
    }

    private static (CrdDefinition Crd, JsonElement Instance) Load(string file)
    {
        var yaml = File.ReadAllText(file);
        var obj = JsonSerializer.SerializeToElement(YamlToJson.Convert(yaml));
        var kind = obj.GetProperty("kind").GetString();
        var crd = AiOperatorCrds.All.Single(c => c.Kind == kind);
        return (crd, obj);
    }

    private static JsonSchema SchemaOf(CrdDefinition crd)
    {
        var schema = CrdGenerator.Build(crd)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.DeepClone();
        StripKubernetesExtensions(schema);
        return JsonSchema.FromText(schema.ToJsonString());
    }

    // x-kubernetes-* are OpenAPI extensions the API server reads; a JSON-schema validator only needs the rest.
    // OpenAPI v3.0's boolean exclusiveMinimum is a number in the JSON Schema the validator reads.
    private static void StripKubernetesExtensions(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Select(p => p.Key).Where(k => k.StartsWith("x-kubernetes-", StringComparison.Ordinal)).ToList())
            {
                obj.Remove(key);
            }

            if (obj["exclusiveMinimum"] is JsonValue exclusive && exclusive.GetValueKind() == System.Text.Json.JsonValueKind.True)
            {
                obj["exclusiveMinimum"] = obj["minimum"]!.DeepClone();
                obj.Remove("minimum");
            }

            foreach (var (_, child) in obj)
            {
                StripKubernetesExtensions(child);
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array)
            {
                StripKubernetesExtensions(child);
            }
        }
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
}
