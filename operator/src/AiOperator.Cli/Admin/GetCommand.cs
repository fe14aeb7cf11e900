using System.CommandLine;
using System.Globalization;
using AiOperator.Api.V1Alpha1;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AiOperator.Cli.Admin;

/// <summary>
/// `aiop get mdep|tj [NAME] [--watch]`: a tree of one object (revisions, pods, analysis, rollbacks; or a
/// job's workers), or a table of all of them in the namespace (-A: every namespace).
/// </summary>
internal static class GetCommand
{
    public static Command Create(IAnsiConsole console, TextWriter error)
    {
        var get = new Command("get", "Show ModelDeployments (mdep) or TrainingJobs (tj) with their revisions, pods and rollout state");
        get.Subcommands.Add(Kind(console, error, "mdep", ["modeldeployment", "modeldeployments"], "ModelDeployments: revisions, canary weight and step, pods, analysis, last rollback"));
        get.Subcommands.Add(Kind(console, error, "tj", ["trainingjob", "trainingjobs"], "TrainingJobs: workers, restarts, last failure, output model"));
        return get;
    }

    private static Command Kind(IAnsiConsole console, TextWriter error, string name, string[] aliases, string description)
    {
        var flags = new ClusterFlags();
        var target = new Argument<string?>("NAME") { Description = "Object name; omit to list all", Arity = ArgumentArity.ZeroOrOne };
        var watch = new Option<bool>("--watch", "-w") { Description = "Keep the view up to date until Ctrl+C" };
        var command = new Command(name, description) { target, watch };
        foreach (var alias in aliases)
        {
            command.Aliases.Add(alias);
        }

        flags.AddTo(command, allNamespaces: true);
        var isModelDeployment = name == "mdep";
        command.SetAction(async (result, ct) => await AdminAction.RunAsync(console, error, async () =>
        {
            using var connection = flags.Connect(result);
            var objectName = result.GetValue(target);
            if (objectName is null)
            {
                console.Write(isModelDeployment
                    ? await ListModelDeploymentsAsync(connection, result.GetValue(flags.AllNamespaces), ct)
                    : await ListTrainingJobsAsync(connection, result.GetValue(flags.AllNamespaces), ct));
                return;
            }

            Func<Task<IRenderable>> view = isModelDeployment
                ? () => ModelDeploymentTreeAsync(connection, objectName, ct)
                : () => TrainingJobTreeAsync(connection, objectName, ct);
            if (!result.GetValue(watch))
            {
                console.Write(await view());
                return;
            }

            var podSelector = isModelDeployment ? $"{ModelDeploymentView.ModelDeploymentLabel}={objectName}" : $"{TrainingJobView.TrainingJobLabel}={objectName}";
            using var changes = new ResourceWatch(connection, isModelDeployment ? ModelDeployment.Plural : TrainingJob.Plural, objectName, podSelector);
            await WatchView.RunAsync(console, view, changes, ct);
        }));
        return command;
    }

    private static async Task<IRenderable> ModelDeploymentTreeAsync(ClusterConnection connection, string name, CancellationToken ct)
    {
        var md = await GetAsync<ModelDeployment>(connection.ModelDeployments, connection.Namespace, name, "ModelDeployment", ct);
        var pods = await connection.Client.CoreV1.ListNamespacedPodAsync(connection.Namespace, labelSelector: $"{ModelDeploymentView.ModelDeploymentLabel}={name}", cancellationToken: ct);
        return ModelDeploymentView.Render(md, [.. pods.Items]);
    }

    private static async Task<IRenderable> TrainingJobTreeAsync(ClusterConnection connection, string name, CancellationToken ct)
    {
        var job = await GetAsync<TrainingJob>(connection.TrainingJobs, connection.Namespace, name, "TrainingJob", ct);
        var pods = await connection.Client.CoreV1.ListNamespacedPodAsync(connection.Namespace, labelSelector: $"{TrainingJobView.TrainingJobLabel}={name}", cancellationToken: ct);
        return TrainingJobView.Render(job, [.. pods.Items.Where(p => p.Metadata.OwnerReferences?.Any(o => o.Uid == job.Metadata.Uid) != false)]);
    }

    public static async Task<T> GetAsync<T>(GenericClient client, string @namespace, string name, string kind, CancellationToken ct)
        where T : IKubernetesObject
    {
        try
        {
            return await client.ReadNamespacedAsync<T>(@namespace, name, ct);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new AdminException($"{kind} {@namespace}/{name} not found");
        }
    }

    private static async Task<IRenderable> ListModelDeploymentsAsync(ClusterConnection connection, bool all, CancellationToken ct)
    {
        var list = all
            ? await connection.ModelDeployments.ListAsync<CustomResourceList<ModelDeployment>>(cancel: ct)
            : await connection.ModelDeployments.ListNamespacedAsync<CustomResourceList<ModelDeployment>>(connection.Namespace, cancel: ct);
        var table = new Table().Border(TableBorder.None);
        if (all)
        {
            table.AddColumn("NAMESPACE");
        }

        foreach (var column in new[] { "NAME", "PHASE", "READY", "STABLE", "CANARY", "WEIGHT", "STEP" })
        {
            table.AddColumn(column);
        }

        foreach (var md in ((IEnumerable<ModelDeployment>)list.Items).OrderBy(m => m.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(m => m.Metadata.Name, StringComparer.Ordinal))
        {
            var s = md.Status ?? new ModelDeploymentStatus();
            var canary = !string.IsNullOrEmpty(s.CanaryRevision);
            var cells = new List<string>
            {
                md.Metadata.Name, s.Phase?.ToString() ?? "", s.Ready ?? "", s.StableRevision ?? "", s.CanaryRevision ?? "",
                canary ? string.Create(CultureInfo.InvariantCulture, $"{s.CanaryWeight ?? 0}%") : "",
                canary ? string.Create(CultureInfo.InvariantCulture, $"{(s.CurrentStep ?? 0) + 1}") : "",
            };
            if (all)
            {
                cells.Insert(0, md.Metadata.NamespaceProperty ?? "");
            }

            table.AddRow([.. cells.Select(Markup.Escape)]);
        }

        return list.Items.Count == 0 ? new Text($"No ModelDeployments found{(all ? "" : $" in namespace {connection.Namespace}")}.\n") : table;
    }

    private static async Task<IRenderable> ListTrainingJobsAsync(ClusterConnection connection, bool all, CancellationToken ct)
    {
        var list = all
            ? await connection.TrainingJobs.ListAsync<CustomResourceList<TrainingJob>>(cancel: ct)
            : await connection.TrainingJobs.ListNamespacedAsync<CustomResourceList<TrainingJob>>(connection.Namespace, cancel: ct);
        var table = new Table().Border(TableBorder.None);
        if (all)
        {
            table.AddColumn("NAMESPACE");
        }

        foreach (var column in new[] { "NAME", "PHASE", "WORKERS", "RESTARTS", "OUTPUT" })
        {
            table.AddColumn(column);
        }

        foreach (var job in ((IEnumerable<TrainingJob>)list.Items).OrderBy(j => j.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(j => j.Metadata.Name, StringComparer.Ordinal))
        {
            var s = job.Status ?? new TrainingJobStatus();
            var cells = new List<string>
            {
                job.Metadata.Name, s.Phase?.ToString() ?? "", s.WorkersRunning ?? "",
                (s.Restarts ?? 0).ToString(CultureInfo.InvariantCulture), s.OutputModel?.Uri ?? "",
            };
            if (all)
            {
                cells.Insert(0, job.Metadata.NamespaceProperty ?? "");
            }

            table.AddRow([.. cells.Select(Markup.Escape)]);
        }

        return list.Items.Count == 0 ? new Text($"No TrainingJobs found{(all ? "" : $" in namespace {connection.Namespace}")}.\n") : table;
    }
}
