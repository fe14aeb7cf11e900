using System.Globalization;
using AiOperator.Api.V1Alpha1;
using k8s.Models;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AiOperator.Cli.Admin;

/// <summary>`aiop get tj NAME`: the TrainingJob as a tree — workers by rank, restarts, last failure, output model.</summary>
internal static class TrainingJobView
{
    public const string TrainingJobLabel = "aioperator.dev/training-job";

    public static IRenderable Render(TrainingJob job, IReadOnlyList<V1Pod> pods)
    {
        var status = job.Status ?? new TrainingJobStatus();
        var workers = status.Workers;
        var root = new Tree(string.Create(CultureInfo.InvariantCulture,
            $"[bold]TrainingJob {PodLine.Markup(job.Metadata.NamespaceProperty)}/{PodLine.Markup(job.Metadata.Name)}[/]  phase {PodLine.Markup(status.Phase?.ToString() ?? "Unknown")}  restarts {status.Restarts ?? 0}/{job.Spec.BackoffLimit ?? 3}"));
        var gang = root.AddNode(string.Create(CultureInfo.InvariantCulture,
            $"workers: {workers?.Running ?? 0} running, {workers?.Pending ?? 0} pending, {workers?.Succeeded ?? 0} succeeded, {workers?.Failed ?? 0} failed of {job.Spec.Workers ?? 1}"));
        foreach (var pod in pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            gang.AddNode(PodLine.Describe(pod));
        }

        if (status.LastFailure is { } failure)
        {
            root.AddNode(string.Create(CultureInfo.InvariantCulture,
                $"[red]last failure[/] worker {failure.Worker}: {PodLine.Markup(failure.Reason)} exit code {failure.ExitCode} at {failure.At:u}"));
        }

        if (status.OutputModel is { } output)
        {
            var model = root.AddNode($"[green]output model[/] {PodLine.Markup(output.Uri)} version {PodLine.Markup(output.Version)}");
            if (!string.IsNullOrEmpty(output.Sha256))
            {
                model.AddNode($"sha256 {PodLine.Markup(output.Sha256)}");
            }

            foreach (var (name, value) in (output.Metrics ?? new Dictionary<string, double>()).OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                model.AddNode(string.Create(CultureInfo.InvariantCulture, $"{PodLine.Markup(name)} = {value:0.####}"));
            }
        }

        foreach (var condition in ((IEnumerable<V1Condition>?)status.Conditions ?? []).Where(c => c.Type is "Failed" or "SpecValid" or "Scheduled" && (c.Type == "Failed") == (c.Status == "True")))
        {
            root.AddNode($"[yellow]{PodLine.Markup(condition.Type)}={PodLine.Markup(condition.Status)}[/] {PodLine.Markup(condition.Reason)}: {PodLine.Markup(condition.Message)}");
        }

        return root;
    }
}
