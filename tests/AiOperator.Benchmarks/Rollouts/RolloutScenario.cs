using System.Diagnostics;
using System.Globalization;
using AiOperator.Api.Crds;
using AiOperator.Api.V1Alpha1;
using AiOperator.LocalCluster;
using AiOperator.LocalCluster.Simulation;
using AiOperator.LocalCluster.Simulation.Models;
using AiOperator.ModelServer.Tests.Support;
using AiOperator.Operator.Tests.EndToEnd;
using k8s;
using k8s.Models;

namespace AiOperator.Benchmarks.Rollouts;

// Rollout scenario on the local cluster with real model-server processes and the real aiop-operator process
// (monitoring on, so the canary is judged on its pods' own /metrics), steady load through the Service address.
// Each round: a good upgrade (a new doubler version) under load, counting requests lost (must be 0), then a bad
// upgrade (a model that fails every inference), timing from the canary's first failed request to RolledBack in
// status, to the last request the canary answered, and to the canary's pods leaving the Service's endpoints.
// Usage: dotnet run -c Release --project tests/AiOperator.Benchmarks -- rollout [rounds=3] [workers=2] [replicas=2]
internal static class RolloutScenario
{
    private const string Ns = "bench-rollout";
    private const string Name = "doubler";
    private const int IntervalSeconds = 2;
    private const int FailureLimit = 2;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = Arg(args, 0, 3);
        var workers = Arg(args, 1, 2);
        var replicas = Arg(args, 2, 2);
        var operatorDll = Path.Combine(AppContext.BaseDirectory, "aiop-operator.dll");
        var server = ModelServerBuild();
        if (!File.Exists(operatorDll) || server is null)
        {
            Console.Error.WriteLine($"need {operatorDll} and a Release build of the model server (or {ProjectImages.ModelServerPathVariable}): build the benchmarks project, which references both");
            return 2;
        }

        await using var cluster = await global::AiOperator.LocalCluster.LocalCluster.StartAsync(new LocalClusterOptions
        {
            Nodes = 1,
            GpusPerNode = replicas * 2,
            ProcessImages = ProjectImages.Resolve(server, trainerPath: null),
        });
        using var client = cluster.CreateClient();
        foreach (var crd in AiOperatorCrds.All)
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdGenerator.RenderYaml(crd)));
        }

        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        var models = Path.Combine(cluster.StateDirectory, "pvcs", Ns, "models", Name);
        for (var round = 0; round <= rounds; round++)
        {
            // Version 1 + 2k is a good doubler (y = x + x), 2 + 2k fails every inference.
            Directory.CreateDirectory(Path.Combine(models, Good(round)));
            new OnnxGraphBuilder("model").Input("x", 1, -1, 4).Output("y", 1, -1, 4).Node("Add", ["x", "x"], ["y"]).Save(Path.Combine(models, Good(round)));
            if (round > 0)
            {
                FailingModel.Save(Path.Combine(models, Bad(round), "model.onnx"), "x", "y", width: 4);
            }
        }

        using var op = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { operatorDll, "--kubeconfig", cluster.KubeconfigPath, "--health-probe-bind-address", "127.0.0.1:0", "--log-format", "text" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var drainOut = op.StandardOutput.ReadToEndAsync();
        var drainErr = op.StandardError.ReadToEndAsync();
        try
        {
            using var mds = new GenericClient(client, GroupVersion.Group, GroupVersion.Version, ModelDeployment.Plural, disposeClient: false);
            Console.WriteLine($"rollout scenario: {rounds} rounds, {replicas} replicas, {workers} load workers, analysis every {IntervalSeconds}s with failureLimit {FailureLimit}, {Environment.ProcessorCount} cores");
            await mds.CreateNamespacedAsync(New(replicas), Ns);
            await WaitAsync(mds, m => m.Status?.Phase == ModelDeploymentPhase.Ready && m.Status.ReadyReplicas == replicas, "v1 Ready");
            var service = await client.CoreV1.ReadNamespacedServiceAsync(Name, Ns);
            await using var load = ServiceLoad.Start(service.Spec.ClusterIP, Name, workers, TimeSpan.FromHours(1));

            long goodServed = 0, goodLost = 0;
            var detections = new List<(double RolledBack, double LastCanaryAnswer, double EndpointsGone)>();
            for (var round = 1; round <= rounds; round++)
            {
                // (ii) good upgrade: from the spec change until every pod of the old revision is gone.
                var before = await GetAsync(mds);
                var from = load.Elapsed;
                await PatchVersionAsync(mds, Good(round));
                await WaitAsync(mds, m => m.Status?.StableRevision != before.Status!.StableRevision && m.Status?.Phase == ModelDeploymentPhase.Ready, $"round {round}: version {Good(round)} promoted");
                await WaitPodsGoneAsync(client, before.Status!.StableRevision!);
                var to = load.Elapsed;
                var answers = load.Answers.Where(a => a.SentAt >= from && a.SentAt < to).ToList();
                goodServed += answers.Count(a => a.Ok);
                goodLost += answers.Count(a => !a.Ok);
                Console.WriteLine($"round {round} good upgrade {Good(round)}: {answers.Count(a => a.Ok)} requests served, {answers.Count(a => !a.Ok)} lost, {(to - from).TotalSeconds:0.0} s from spec change to old pods gone");

                // (i) bad upgrade.
                from = load.Elapsed;
                await PatchVersionAsync(mds, Bad(round));
                var rolledBack = await WaitAsync(mds, m => m.Status?.Phase == ModelDeploymentPhase.RolledBack, $"round {round}: version {Bad(round)} rolled back");
                var rolledBackAt = load.Elapsed;
                var canary = rolledBack.Status!.LastRollback!.From!;
                var canaryIps = (await client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: $"aioperator.dev/revision={canary}")).Items
                    .Select(p => p.Status?.PodIP).OfType<string>().ToHashSet();
                await WaitUntilAsync(async () =>
                {
                    var endpoints = await client.CoreV1.ReadNamespacedEndpointsAsync(Name, Ns);
                    return !(endpoints.Subsets ?? []).SelectMany(s => s.Addresses ?? []).Any(a => canaryIps.Contains(a.Ip));
                }, $"round {round}: canary out of the Service's endpoints");
                var endpointsGoneAt = load.Elapsed;
                await WaitPodsGoneAsync(client, canary);
                var canaryAnswers = load.Answers.Where(a => a.SentAt >= from && !a.Ok).ToList();
                if (canaryAnswers.Count == 0)
                {
                    Console.Error.WriteLine($"round {round}: the bad canary answered no request; raise workers");
                    return 1;
                }

                var firstError = canaryAnswers.Min(a => a.AnsweredAt);
                var lastCanary = canaryAnswers.Max(a => a.AnsweredAt);
                detections.Add(((rolledBackAt - firstError).TotalSeconds, (lastCanary - firstError).TotalSeconds, (endpointsGoneAt - firstError).TotalSeconds));
                Console.WriteLine($"round {round} bad upgrade {Bad(round)}: {canaryAnswers.Count} failed requests (all the canary's); from the first: RolledBack in status {(rolledBackAt - firstError).TotalSeconds:0.0} s, "
                    + $"last request the canary answered {(lastCanary - firstError).TotalSeconds:0.0} s, canary out of endpoints {(endpointsGoneAt - firstError).TotalSeconds:0.0} s "
                    + $"(budget failureLimit x intervalSeconds + 5 = {(FailureLimit * IntervalSeconds) + 5} s): {rolledBack.Status.LastRollback.Reason}");
            }

            var all = await load.StopAsync();
            var unexplained = all.Count(a => !a.Ok && !(a.Status is 400 or 500 && a.Error?.Contains("gather", StringComparison.OrdinalIgnoreCase) == true));
            Console.WriteLine();
            Console.WriteLine($"good upgrades: {goodServed} requests served, {goodLost} lost (must be 0)");
            Console.WriteLine($"bad canary, first failed request -> traffic back on stable (last canary answer): median {Median(detections.Select(d => d.LastCanaryAnswer)):0.0} s, max {detections.Max(d => d.LastCanaryAnswer):0.0} s");
            Console.WriteLine($"bad canary, first failed request -> out of the Service's endpoints: median {Median(detections.Select(d => d.EndpointsGone)):0.0} s, max {detections.Max(d => d.EndpointsGone):0.0} s");
            Console.WriteLine($"bad canary, first failed request -> RolledBack in status: median {Median(detections.Select(d => d.RolledBack)):0.0} s, max {detections.Max(d => d.RolledBack):0.0} s");
            Console.WriteLine($"whole run: {all.Count} requests, {all.Count(a => !a.Ok)} failed, {unexplained} of them not the bad canary's answer (must be 0)");
            return goodLost == 0 && unexplained == 0 ? 0 : 1;
        }
        finally
        {
            if (!op.HasExited)
            {
                op.Kill(entireProcessTree: true);
                await op.WaitForExitAsync();
            }

            await Task.WhenAll(drainOut, drainErr);
        }
    }

    private static string Good(int round) => (1 + (2 * round)).ToString(CultureInfo.InvariantCulture);

    private static string Bad(int round) => (2 * round).ToString(CultureInfo.InvariantCulture);

    private static int Arg(string[] args, int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static ModelDeployment New(int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Ns },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSource { Name = Name, Version = "1", Uri = $"pvc://models/{Name}/1/model.onnx" },
            Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = 1 } },
            Replicas = replicas,
            Rollout = new RolloutSpec
            {
                Steps = [new RolloutStep { Weight = 50, PauseSeconds = 4 }],
                Analysis = new AnalysisSpec { IntervalSeconds = IntervalSeconds, MinRequests = 5, MaxErrorRate = 0.01, FailureLimit = FailureLimit },
                ProgressDeadlineSeconds = 60,
            },
        },
    };

    private static async Task PatchVersionAsync(GenericClient mds, string version) =>
        await mds.PatchNamespacedAsync<ModelDeployment>(
            new V1Patch(KubernetesJson.Serialize(new { spec = new { model = new { version, uri = $"pvc://models/{Name}/{version}/model.onnx" } } }), V1Patch.PatchType.MergePatch), Ns, Name);

    private static Task<ModelDeployment> GetAsync(GenericClient mds) => mds.ReadNamespacedAsync<ModelDeployment>(Ns, Name);

    private static async Task<ModelDeployment> WaitAsync(GenericClient mds, Func<ModelDeployment, bool> done, string what)
    {
        ModelDeployment? md = null;
        await WaitUntilAsync(async () => done(md = await GetAsync(mds)), what);
        return md!;
    }

    private static Task WaitPodsGoneAsync(Kubernetes client, string revision) =>
        WaitUntilAsync(async () => (await client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: $"aioperator.dev/revision={revision}")).Items.Count == 0, $"pods of {revision} gone");

    // Polls every 100 ms up to the deadline: the scenario observes other processes.
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Deadline)
            {
                throw new TimeoutException($"timed out after {Deadline.TotalSeconds:0}s waiting for {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    // The model server built beside the benchmark (Release), or the folder the usual variable names.
    private static string? ModelServerBuild()
    {
        if (Environment.GetEnvironmentVariable(ProjectImages.ModelServerPathVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AiOperator.sln")))
        {
            dir = dir.Parent;
        }

        var build = dir is null ? null : Path.Combine(dir.FullName, "runtime-image", "src", "AiOperator.ModelServer", "bin", "Release", "net10.0");
        return build is not null && File.Exists(Path.Combine(build, "aiop-model-server.dll")) ? build : null;
    }
}
