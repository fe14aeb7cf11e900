using System.CommandLine;
using System.Runtime.InteropServices;
using AiOperator.Cli.Commands;
using AiOperator.LocalCluster;
using AiOperator.LocalCluster.Simulation;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace AiOperator.Cli.Demo;

/// <summary>
/// `aiop demo`: starts the local cluster with the operator and walks through a cluster admin's day
/// (DemoRun); prints a summary, writes the CRs it applied and a PNG timeline to the state directory, and
/// exits 0 only when every stage met its check. Ctrl+C stops everything it started.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var stateDir = new Option<string?>("--state-dir") { Description = "Folder for the cluster's state, the demo's manifests and its chart (default: ./.demo)" };
        var keep = new Option<bool>("--keep") { Description = "Leave the cluster running at the end (until Ctrl+C) and print its kubeconfig" };
        var command = new Command("demo", "Train, serve, autoscale, upgrade and roll back a model on the local cluster, checking every stage") { stateDir, keep };
        command.SetAction(async (result, ct) => await RunAsync(console, Path.GetFullPath(result.GetValue(stateDir) ?? ".demo"), result.GetValue(keep), ct));
        return command;
    }

    private static async Task<int> RunAsync(IAnsiConsole console, string state, bool keep, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        if (Directory.Exists(Path.Combine(state, "cluster")))
        {
            Directory.Delete(Path.Combine(state, "cluster"), recursive: true);  // each run starts from an empty cluster
        }

        var options = new LocalClusterOptions
        {
            StateDirectory = Path.Combine(state, "cluster"),
            NodePools =
            [
                new NodePool { NamePrefix = "gpu-h100", Count = 2, Gpus = 4, GpuProduct = "NVIDIA-H100-80GB-HBM3" },
                new NodePool { NamePrefix = "cpu", Count = 1, MaxPods = 110, Cpu = "16", Memory = "64Gi" },
            ],
            ProcessImages = ProjectImages.Resolve(
                Environment.GetEnvironmentVariable(ProjectImages.ModelServerPathVariable) ?? LocalBuilds.Find("runtime-image/src/AiOperator.ModelServer", "aiop-model-server.dll"),
                Environment.GetEnvironmentVariable(ProjectImages.TrainerPathVariable) ?? LocalBuilds.Find("runtime-image/src/AiOperator.Trainer", "aiop-trainer.dll")),
            ShutdownGracePeriod = TimeSpan.FromSeconds(1),

            // RBAC as a real cluster enforces it: the kubeconfig's admin may do anything, the operator only what config/rbac grants.
            Authorization = LocalCluster.ApiServer.Auth.AuthorizationMode.Rbac,
        };
        var missing = options.ProcessImages.Values.FirstOrDefault(i => i.Unavailable is not null)?.Unavailable;
        if (missing is not null)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(missing)} (build the solution first: dotnet build AiOperator.sln)");
            return 2;
        }

        console.MarkupLine("[bold]aiop demo[/]: a local cluster (2 GPU nodes with 4 simulated H100s each, 1 CPU node) and the operator");
        LocalCluster.LocalCluster cluster;
        try
        {
            cluster = await LocalCluster.LocalCluster.StartAsync(options, stop.Token);
        }
        catch (OperationCanceledException)
        {
            return 130;
        }

        void KillOnExit(object? sender, EventArgs e) => cluster.KillProcessesNow();
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        var passed = false;
        try
        {
            var kubeconfig = Path.Combine(state, "kubeconfig");
            cluster.ApiServer.WriteKubeconfig(kubeconfig);
            console.MarkupLine($"cluster ready: [grey]export KUBECONFIG={Markup.Escape(kubeconfig)}[/] to follow along with kubectl or `aiop get mdep mlp -n demo --watch`");
            await using var op = await LocalOperator.StartAsync(cluster, stop.Token, NullLoggerFactory.Instance);
            await using var run = new DemoRun(cluster, console, Path.Combine(state, "manifests"));
            try
            {
                passed = await run.RunAsync(stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                console.MarkupLine("[yellow]interrupted[/]: stopping everything the demo started");
                return 130;
            }

            Report(console, run, state);
            if (keep && !stop.IsCancellationRequested)
            {
                console.MarkupLine($"--keep: the cluster stays up until Ctrl+C. kubeconfig: {Markup.Escape(kubeconfig)}");
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        finally
        {
            await cluster.DisposeAsync();
            AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        }

        console.MarkupLine(passed ? "[green]demo passed[/]: every stage met its check" : "[red]demo failed[/]: see the stage marked ✗ above");
        return passed ? 0 : 1;
    }

    private static void Report(IAnsiConsole console, DemoRun run, string state)
    {
        var table = new Table().Title("summary").AddColumns("stage", "result", "seconds", "detail");
        foreach (var result in run.Results)
        {
            table.AddRow(
                Markup.Escape(result.Stage),
                result.Passed ? "[green]passed[/]" : "[red]FAILED[/]",
                result.Took.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(result.Detail));
        }

        console.Write(table);
        var samples = run.Timeline;
        if (samples.Count > 1)
        {
            var chart = Path.Combine(state, "demo-timeline.png");
            TimelineChart.Save(samples, chart);
            console.MarkupLine($"requests answered under load: {run.RequestsServed}; answered with an error: {run.RequestsFailed} (stage 4 allows none; in stage 5 the broken canary fails every request it gets until it is rolled back); ready replicas ranged {samples.Min(s => s.ReadyReplicas)}–{samples.Max(s => s.ReadyReplicas)}");
            console.MarkupLine($"chart of replicas, canary weight and p95 latency: {Markup.Escape(chart)}; the CRs applied: {Markup.Escape(Path.Combine(state, "manifests"))}");
        }
    }
}
