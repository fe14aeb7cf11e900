using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AiOperator.Api.Tests.Install;

/// <summary>PodMonitor, alerts and dashboard: the chart matches the kustomize base, and every metric they query exists.</summary>
public sealed partial class MonitoringArtefactTests
{
    private static readonly string Chart = Path.Combine(RepositoryRoot.Path, "charts", "ai-operator");

    [Fact]
    public void The_charts_alerts_are_the_kustomize_alerts()
    {
        var kustomize = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "config", "prometheus", "rules.yaml"));
        var chart = File.ReadAllText(Path.Combine(Chart, "templates", "prometheusrule.yaml"));

        // Helm escapes Prometheus' own {{ }} templates; unescaped, the groups must be the same text.
        var unescaped = chart.Replace("{{ \"{{\" }}", "{{", StringComparison.Ordinal).Replace("{{ \"}}\" }}", "}}", StringComparison.Ordinal);
        Assert.Equal(Spec(kustomize), Spec(unescaped.Replace("\n{{- end }}", "", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_charts_pod_monitor_selects_and_relabels_like_the_kustomize_one()
    {
        var kustomize = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "config", "prometheus", "podmonitor.yaml"));
        var chart = File.ReadAllText(Path.Combine(Chart, "templates", "podmonitor.yaml"));

        Assert.Equal(Spec(kustomize).Replace("15s", "X", StringComparison.Ordinal),
            Spec(chart.Replace("\n{{- end }}", "", StringComparison.Ordinal)).Replace("{{ .Values.metrics.podMonitor.interval }}", "X", StringComparison.Ordinal));
    }

    [Fact]
    public void The_dashboard_is_valid_json_with_panels_and_queries()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Chart, "dashboards", "ai-operator.json")))!;
        var panels = dashboard["panels"]!.AsArray();

        Assert.Equal("aioperator", (string?)dashboard["uid"]);
        Assert.Contains(panels, p => ((string?)p!["title"])!.Contains("Latency", StringComparison.Ordinal));
        Assert.Contains(panels, p => ((string?)p!["title"])!.Contains("GPU", StringComparison.Ordinal));
        Assert.Contains(panels, p => ((string?)p!["title"])!.Contains("Work queue", StringComparison.Ordinal));
        Assert.All(panels.Where(p => (string?)p!["type"] != "row"), p => Assert.NotEmpty(p!["targets"]!.AsArray()));
    }

    [Fact]
    public void Every_metric_the_artefacts_query_is_exposed_by_the_operator_or_the_model_server()
    {
        var sources = string.Join('\n', new[] { "operator/src", "runtime-image/src" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(RepositoryRoot.Path, d), "*.cs", SearchOption.AllDirectories))
            .Select(File.ReadAllText));
        var queried = new[]
        {
            Path.Combine(Chart, "dashboards", "ai-operator.json"),
            Path.Combine(RepositoryRoot.Path, "config", "prometheus", "rules.yaml"),
        }.SelectMany(f => MetricName().Matches(File.ReadAllText(f)).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(queried);
        var unknown = queried
            .Select(name => Regex.Replace(name, "_(bucket|sum|count)$", ""))
            .Where(name => !sources.Contains($"\"{name}\"", StringComparison.Ordinal) && !sources.Contains($"\"{name}_", StringComparison.Ordinal) && !sources.Contains($"= \"{name}", StringComparison.Ordinal))
            .ToList();
        Assert.True(unknown.Count == 0, "not exposed anywhere: " + string.Join(", ", unknown));
    }

    private static string Spec(string yaml) => yaml[yaml.IndexOf("spec:", StringComparison.Ordinal)..].Trim();

    [GeneratedRegex(@"\b(aiop_|nv_|controller_runtime_|workqueue_|rest_client_)[a-z_]+")]
    private static partial Regex MetricName();
}
