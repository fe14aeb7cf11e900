using System.Diagnostics;
using System.Globalization;
using AiOperator.Api.Crds;
using AiOperator.Api.V1Alpha1;
using AiOperator.LocalCluster;
using k8s;
using k8s.Models;

namespace AiOperator.Benchmarks.Operator;

// Scale scenario for the operator: N ModelDeployments applied at once to a local cluster with enough
// simulated GPUs; measures time until all are Ready, the operator's API writes per object (from the
// API server's request log) and the operator's peak RSS. The operator runs as its own process
// (the real aiop-operator) so its memory is its own; cluster and operator share the machine's cores.
// Usage: dotnet run -c Release --project tests/AiOperator.Benchmarks -- operator [count=1000]
internal static class OperatorScaleScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var operatorDll = Path.Combine(AppContext.BaseDirectory, "aiop-operator.dll");
        if (!File.Exists(operatorDll))
        {
            Console.Error.WriteLine($"{operatorDll} is missing: build the benchmarks project, which references the operator");
            return 2;
        }

        var nodes = (count + 7) / 8;
        await using var cluster = await global::AiOperator.LocalCluster.LocalCluster.StartAsync(new LocalClusterOptions
        {
            NodePools = [new NodePool { NamePrefix = "gpu-h100", Count = nodes, Gpus = 8, GpuProduct = "NVIDIA-H100-80GB-HBM3" }],
        });
        using var client = cluster.CreateClient();
        foreach (var crd in AiOperatorCrds.All)
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(CrdGenerator.RenderYaml(crd)));
        }

        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "bench" } });
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { operatorDll, "--kubeconfig", cluster.KubeconfigPath, "--health-probe-bind-address", ":0", "--log-format", "text", "--max-concurrent-reconciles", "8" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Runtime knobs for the operator only (e.g. GC settings), as "K=V;K=V".
        foreach (var pair in (Environment.GetEnvironmentVariable("AIOP_BENCH_OPERATOR_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            start.Environment[pair[..eq]] = pair[(eq + 1)..];
        }

        using var op = Process.Start(start)!;
        var stdout = op.StandardOutput.ReadToEndAsync();
        var stderr = op.StandardError.ReadToEndAsync();
        try
        {
            using var generic = new GenericClient(client, GroupVersion.Group, GroupVersion.Version, ModelDeployment.Plural, disposeClient: false);
            Console.WriteLine($"operator scale scenario: {count} ModelDeployments x 1 GPU pod on {nodes} simulated 8-GPU nodes, {Environment.ProcessorCount} cores");

            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                await generic.CreateNamespacedAsync(New(i), "bench", ct));
            var applied = clock.Elapsed;

            var ready = 0;
            while (ready < count)
            {
                if (op.HasExited)
                {
                    Console.Error.WriteLine($"the operator exited with code {op.ExitCode}:\n{await stdout}\n{await stderr}");
                    return 1;
                }

                if (clock.Elapsed > TimeSpan.FromMinutes(15))
                {
                    Console.Error.WriteLine($"gave up after 15 minutes: {ready}/{count} Ready");
                    return 1;
                }

                await Task.Delay(250);
                var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<ModelDeploymentList>(GroupVersion.Group, GroupVersion.Version, "bench", ModelDeployment.Plural);
                ready = list.Items.Count(m => m.Status?.Phase == ModelDeploymentPhase.Ready);
            }

            var allReady = clock.Elapsed;
            var writes = cluster.ApiServer.Requests.Snapshot().Where(r => r.IsWrite && r.UserAgent.StartsWith("aioperator", StringComparison.Ordinal)).ToList();
            var peakRss = PeakRssMegabytes(op.Id);
            Console.WriteLine();
            Console.WriteLine("| figure | value |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| ModelDeployments | {count} |");
            Console.WriteLine($"| all applied after | {applied.TotalSeconds:0.0} s |");
            Console.WriteLine($"| all Ready after (from first apply) | {allReady.TotalSeconds:0.0} s |");
            Console.WriteLine($"| operator API writes per object | {(double)writes.Count / count:0.00} |");
            foreach (var group in writes.GroupBy(w => $"{w.Verb} {w.Resource}{(w.Subresource.Length > 0 ? "/" + w.Subresource : "")}").OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"| - {group.Key} | {(double)group.Count() / count:0.00} per object |");
            }

            Console.WriteLine($"| operator peak RSS (VmHWM) | {peakRss} MB |");
            Console.WriteLine($"| operator RSS now: anonymous / file-backed | {StatusMegabytes(op.Id, "RssAnon:")} MB / {StatusMegabytes(op.Id, "RssFile:")} MB |");
            return 0;
        }
        finally
        {
            if (!op.HasExited)
            {
                op.Kill(entireProcessTree: true);
                await op.WaitForExitAsync();
            }
        }
    }

    private static ModelDeployment New(int i) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"model-{i:0000}", NamespaceProperty = "bench" },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSource { Name = "resnet18", Version = "1", Uri = $"pvc://models/m{i}/model.onnx" },
            Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = 1 } },
            Replicas = 1,
        },
    };

    private static string PeakRssMegabytes(int pid) => StatusMegabytes(pid, "VmHWM:");

    private static string StatusMegabytes(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var kb = line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return (kb / 1024.0).ToString("0", CultureInfo.InvariantCulture);
    }
}
