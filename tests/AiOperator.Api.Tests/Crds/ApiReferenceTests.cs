using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AiOperator.Api.Crds;

namespace AiOperator.Api.Tests.Crds;

/// <summary>docs/api.md names every field the CRDs accept, and the repository's docs link only to files in it.</summary>
public sealed partial class ApiReferenceTests
{
    private static readonly string Reference = Path.Combine(RepositoryRoot.Path, "docs", "api.md");

    [Fact]
    public void The_api_reference_field_tables_are_current()
    {
        var document = File.ReadAllText(Reference);
        Assert.True(ApiReference.Update(document) == document,
            "docs/api.md is stale; run: dotnet run --project operator/src/AiOperator.Cli -- crds --output crds --copy-to config/crd/bases --copy-to charts/ai-operator/crds");
    }

    [Fact]
    public void Every_field_of_every_crd_schema_is_in_the_api_reference()
    {
        var document = File.ReadAllText(Reference);
        var missing = new List<string>();
        foreach (var crd in AiOperatorCrds.All)
        {
            var start = document.IndexOf($"### {crd.Kind} fields", StringComparison.Ordinal);
            Assert.True(start >= 0, $"docs/api.md has no field table for {crd.Kind}");
            var next = document.IndexOf("\n### ", start + 4, StringComparison.Ordinal);
            var section = document[start..(next < 0 ? document.Length : next)];
            var rows = FieldRow().Matches(section).ToDictionary(m => m.Groups["path"].Value, m => m.Groups["type"].Value);
            var schema = CrdGenerator.Build(crd)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!;
            foreach (var root in (string[])["spec", "status"])
            {
                foreach (var path in Paths(schema[root]!, root))
                {
                    // Fields inside Kubernetes' own types (EnvVar, Toleration, Affinity, Condition) are documented by Kubernetes.
                    var documented = rows.ContainsKey(path) || rows.Any(r => (r.Value.Contains("core/v1", StringComparison.Ordinal) || r.Value.Contains("metav1", StringComparison.Ordinal))
                        && (path.StartsWith(r.Key + ".", StringComparison.Ordinal) || path.StartsWith(r.Key + "[]", StringComparison.Ordinal)));
                    if (!documented)
                    {
                        missing.Add($"{crd.Kind} {path}");
                    }
                }
            }
        }

        Assert.True(missing.Count == 0, "docs/api.md lacks: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/api.md")]
    [InlineData("docs/benchmarks.md")]
    [InlineData("operator/src/AiOperator.ControllerRuntime/README.md")]
    [InlineData("runtime-image/README.md")]
    public void Relative_links_stay_inside_the_repository_and_resolve(string file)
    {
        var full = Path.Combine(RepositoryRoot.Path, file);
        var folder = Path.GetDirectoryName(full)!;
        foreach (Match link in MarkdownLink().Matches(File.ReadAllText(full)))
        {
            var target = link.Groups["target"].Value.Split('#')[0];
            if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal))
            {
                continue;
            }

            var resolved = Path.GetFullPath(Path.Combine(folder, target));
            Assert.True(resolved.StartsWith(RepositoryRoot.Path + Path.DirectorySeparatorChar, StringComparison.Ordinal), $"{file} links outside the repository: {target}");
            Assert.True(File.Exists(resolved) || Directory.Exists(resolved), $"{file} links to a missing file: {target}");
        }
    }

    private static IEnumerable<string> Paths(JsonNode schema, string path)
    {
        yield return path;
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                foreach (var nested in Paths(child!, $"{path}.{name}"))
                {
                    yield return nested;
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            foreach (var nested in Paths(items, path + "[]").Skip(1))
            {
                yield return nested;
            }
        }

        if (schema["additionalProperties"] is JsonObject values)
        {
            foreach (var nested in Paths(values, path + ".*").Skip(1))
            {
                yield return nested;
            }
        }
    }

    [GeneratedRegex(@"^\| `(?<path>[^`]+)` \| (?<type>[^|]*(?:\\\|[^|]*)*) \|", RegexOptions.Multiline)]
    private static partial Regex FieldRow();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
