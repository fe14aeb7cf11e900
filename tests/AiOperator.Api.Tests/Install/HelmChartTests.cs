using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AiOperator.Api.Tests.Install;

/// <summary>The chart checked without rendering it (its RBAC rules are generated and checked in AiOperator.Operator.Tests).</summary>
public sealed partial class HelmChartTests
{
    private static readonly string Chart = Path.Combine(RepositoryRoot.Path, "charts", "ai-operator");

    [Fact]
    public void Every_value_a_template_reads_exists_in_values_yaml()
    {
        var values = new YamlStream();
        values.Load(new StringReader(File.ReadAllText(Path.Combine(Chart, "values.yaml"))));
        var root = (YamlMappingNode)values.Documents[0].RootNode;

        var missing = new List<string>();
        foreach (var template in Directory.GetFiles(Path.Combine(Chart, "templates")))
        {
            foreach (Match match in ValuesReference().Matches(File.ReadAllText(template)))
            {
                var path = match.Groups[1].Value;
                if (!Exists(root, path.Split('.')))
                {
                    missing.Add($"{Path.GetFileName(template)}: .Values.{path}");
                }
            }
        }

        Assert.True(missing.Count == 0, "values.yaml lacks: " + string.Join(", ", missing.Distinct()));
    }

    [Fact]
    public void Chart_metadata_is_complete()
    {
        var chart = File.ReadAllText(Path.Combine(Chart, "Chart.yaml"));
        Assert.Contains("apiVersion: v2", chart, StringComparison.Ordinal);
        Assert.Contains("name: ai-operator", chart, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^version: \d+\.\d+\.\d+$", chart);
    }

    private static bool Exists(YamlMappingNode node, string[] path)
    {
        YamlNode current = node;
        foreach (var part in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(part), out var next))
            {
                return false;
            }

            current = next;
        }

        return true;
    }

    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")]
    private static partial Regex ValuesReference();
}
