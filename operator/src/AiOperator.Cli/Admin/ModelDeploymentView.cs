using System.Globalization;
using AiOperator.Api.V1Alpha1;
using k8s.Models;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AiOperator.Cli.Admin;

/// <summary>
/// `aiop get mdep NAME`: the ModelDeployment as a tree — revisions (outcome, stable/canary, weight, step)
/// with their pods, the analysis so far, and the last rollback.
/// </summary>
internal static class ModelDeploymentView
{
    public const string RevisionLabel = "aioperator.dev/revision";
    public const string ModelDeploymentLabel = "aioperator.dev/model-deployment";

    public static IRenderable Render(ModelDeployment md, IReadOnlyList<V1Pod> pods)
    {
        var status = md.Status ?? new ModelDeploymentStatus();
        var stale = status.ObservedGeneration is { } observed && md.Metadata.Generation is { } generation && observed < generation
            ? $"  [yellow](status is for generation {observed}, spec is {generation})[/]" : "";
        var root = new Tree(string.Create(CultureInfo.InvariantCulture,
            $"[bold]ModelDeployment {PodLine.Markup(md.Metadata.NamespaceProperty)}/{PodLine.Markup(md.Metadata.Name)}[/]  phase {PhaseMarkup(status.Phase?.ToString())}  ready {status.ReadyReplicas ?? 0}/{status.DesiredReplicas ?? md.Spec.Replicas ?? 0}{(md.Spec.Paused == true ? "  [yellow]paused[/]" : "")}{stale}"));

        var podsByRevision = pods.GroupBy(p => (p.Metadata.Labels is { } labels && labels.TryGetValue(RevisionLabel, out var revision) ? revision : ""))
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var revisions = ((IEnumerable<RevisionRecord>?)status.Revisions ?? []).Select(r => r.Name).ToList();
        foreach (var live in podsByRevision.Keys.Where(k => k.Length > 0 && !revisions.Contains(k)).Order(StringComparer.Ordinal))
        {
            revisions.Add(live);
        }

        foreach (var name in (IEnumerable<string>)revisions)
        {
            var record = status.Revisions?.FirstOrDefault(r => r.Name == name);
            var node = root.AddNode(RevisionHeader(name, record, status));
            foreach (var pod in podsByRevision.GetValueOrDefault(name) ?? [])
            {
                node.AddNode(PodLine.Describe(pod));
            }
        }

        if (!string.IsNullOrEmpty(status.CanaryRevision))
        {
            root.AddNode(string.Create(CultureInfo.InvariantCulture,
                $"analysis: {status.AnalysisFailures ?? 0} failed evaluation(s) of {md.Spec.Rollout?.Analysis?.FailureLimit ?? 2} allowed"));
        }

        if (status.Metrics is not null)
        {
            root.AddNode($"serving: {Metrics(status.Metrics)}");
        }

        if (status.LastRollback is { } rollback)
        {
            root.AddNode(string.Create(CultureInfo.InvariantCulture,
                $"[red]last rollback[/] {PodLine.Markup(rollback.From)} → {PodLine.Markup(rollback.To)} at {rollback.At:u}: {PodLine.Markup(rollback.Reason)}"));
        }

        foreach (var condition in ((IEnumerable<V1Condition>?)status.Conditions ?? []).Where(c => c.Status == "False" && c.Type is "Ready" or "ModelLoaded" or "SpecValid" or "ChildrenSynced"))
        {
            root.AddNode($"[yellow]{PodLine.Markup(condition.Type)}=False[/] {PodLine.Markup(condition.Reason)}: {PodLine.Markup(condition.Message)}");
        }

        return root;
    }

    private static string RevisionHeader(string name, RevisionRecord? record, ModelDeploymentStatus status)
    {
        var role = name == status.CanaryRevision
            ? string.Create(CultureInfo.InvariantCulture, $"  [blue]canary[/] weight {status.CanaryWeight ?? 0}% step {(status.CurrentStep ?? 0) + 1}")
            : name == status.StableRevision ? "  [green]stable[/]" : "";
        var outcome = record?.Outcome is { } o ? $"  {OutcomeMarkup(o.ToString())}" : "";
        var version = record?.ModelVersion is { } v ? $"  model version {PodLine.Markup(v)}" : "";
        return $"revision [bold]{PodLine.Markup(name)}[/]{role}{outcome}{version}";
    }

    private static string Metrics(ServingMetrics? metrics) => metrics is null
        ? "no data yet"
        : string.Create(CultureInfo.InvariantCulture,
            $"{metrics.RequestsPerSecond ?? 0:0.0} req/s, p95 {Figure(metrics.LatencyP95Ms)} ms, errors {metrics.ErrorRate ?? 0:0.###}, concurrency {metrics.Concurrency ?? 0:0.0}");

    private static string Figure(double? value) => value is { } v && !double.IsNaN(v) ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    private static string PhaseMarkup(string? phase) => phase switch
    {
        "Ready" => "[green]Ready[/]",
        "RolledBack" or "Failed" or "Degraded" => $"[red]{phase}[/]",
        null => "[grey]Unknown[/]",
        _ => $"[yellow]{phase}[/]",
    };

    private static string OutcomeMarkup(string outcome) => outcome switch
    {
        "Stable" => "[green]Stable[/]",
        "Failed" => "[red]Failed[/]",
        "Superseded" => "[grey]Superseded[/]",
        _ => $"[yellow]{outcome}[/]",
    };
}
