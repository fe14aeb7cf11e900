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
// The local cluster runs inside this benchmark process, so this process's own peak RSS and CPU time are
// the cluster's side (plus the small cost of the benchmark's creates and its watch for Ready).
// Usage: dotnet run -c Release --project tests/AiOperator.Benchmarks -- operator [count=1000] [--replicas 1]
internal static class OperatorScaleScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var positional = new List<string>();
        var replicas = 1;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--replicas" && i + 1 < args.Length)
            {
                replicas = int.Parse(args[++i], CultureInfo.InvariantCulture);
                if (replicas < 1)
                {
                    Console.Error.WriteLine("--replicas must be at least 1");
                    return 2;
                }
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        var count = positional.Count > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 1000;
        // AIOP_BENCH_OPERATOR_DLL points at another build of the operator (e.g. a ReadyToRun publish).
        var operatorDll = Environment.GetEnvironmentVariable("AIOP_BENCH_OPERATOR_DLL") is { Length: > 0 } custom
            ? Path.GetFullPath(custom)
            : Path.Combine(AppContext.BaseDirectory, "aiop-operator.dll");
        if (!File.Exists(operatorDll))
        {
            Console.Error.WriteLine($"{operatorDll} is missing: build the benchmarks project, which references the operator");
            return 2;
        }

        // One GPU per pod, eight GPUs per node: exactly enough nodes for every pod.
        var nodes = ((count * replicas) + 7) / 8;
        await using var cluster = await global::AiOperator.LocalCluster.LocalCluster.StartAsync(new LocalClusterOptions
        {
            NodePools = [new NodePool { NamePrefix = "gpu-h100", Count = nodes, Gpus = 8, GpuProduct = "NVIDIA-H100-80GB-HBM3" }],
        });
        using var client = cluster.CreateClient();
        using (var installing = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            await CrdInstaller.InstallAsync(client, installing.Token);
        }

        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "bench" } });
        var probePort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { operatorDll, "--kubeconfig", cluster.KubeconfigPath, "--health-probe-bind-address", $"127.0.0.1:{probePort}", "--log-format", "text", "--max-concurrent-reconciles", "8" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The runtime settings the operator image ships (its Dockerfile's ENV DOTNET_* lines), then any
        // extra knobs for this run as "K=V;K=V" in AIOP_BENCH_OPERATOR_ENV.
        foreach (var name in AiopLocalRuntimeSettings.Names)
        {
            start.Environment.Remove(name);
        }

        var runtimeSettings = ShippedRuntimeSettings().ToList();
        foreach (var pair in (Environment.GetEnvironmentVariable("AIOP_BENCH_OPERATOR_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            runtimeSettings.Add((pair[..eq], pair[(eq + 1)..]));
        }

        foreach (var (name, value) in runtimeSettings)
        {
            start.Environment[name] = value;
        }

        using var op = Process.Start(start)!;
        var stdout = op.StandardOutput.ReadToEndAsync();
        var stderr = op.StandardError.ReadToEndAsync();
        try
        {
            using var generic = new GenericClient(client, GroupVersion.Group, GroupVersion.Version, ModelDeployment.Plural, disposeClient: false);
            Console.WriteLine($"operator scale scenario: {count} ModelDeployments x {replicas} GPU pod(s) on {nodes} simulated 8-GPU nodes, {Environment.ProcessorCount} cores");
            Console.WriteLine($"operator environment: {string.Join(' ', runtimeSettings.Select(s => $"{s.Name}={s.Value}"))}");

            var loadAtStart = LoadAverage();
            var stolenAtStart = StolenSeconds();
            var clusterCpuAtStart = CpuSeconds(Environment.ProcessId);
            var gcAtStart = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2), Pause: GC.GetTotalPauseDuration(), Allocated: GC.GetTotalAllocatedBytes());
            var clock = new Stopwatch();
            using var stopWatching = new CancellationTokenSource();
            var readyWatch = new ReadyWatch(client, "bench", count, clock);
            var watching = readyWatch.RunAsync(stopWatching.Token);
            clock.Start();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                await generic.CreateNamespacedAsync(New(i, replicas), "bench", ct));
            var applied = clock.Elapsed;

            while (!readyWatch.Reached.IsCompleted)
            {
                if (op.HasExited)
                {
                    Console.Error.WriteLine($"the operator exited with code {op.ExitCode}:\n{await stdout}\n{await stderr}");
                    return 1;
                }

                if (clock.Elapsed > TimeSpan.FromMinutes(15))
                {
                    Console.Error.WriteLine($"gave up after 15 minutes: {readyWatch.ReadyCount}/{count} Ready");
                    return 1;
                }

                if (watching.IsFaulted)
                {
                    await watching;
                }

                await Task.WhenAny(readyWatch.Reached, Task.Delay(1000));
            }

            await stopWatching.CancelAsync();
            await watching;
            var allReady = await readyWatch.Reached;
            var writes = cluster.ApiServer.Requests.Snapshot().Where(r => r.IsWrite && r.UserAgent.StartsWith("aioperator", StringComparison.Ordinal)).ToList();
            var peakRss = PeakRssMegabytes(op.Id);
            Console.WriteLine();
            Console.WriteLine("| figure | value |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| ModelDeployments | {count} |");
            Console.WriteLine($"| GPU pods per ModelDeployment | {replicas} |");
            Console.WriteLine($"| all applied after | {applied.TotalSeconds:0.0} s |");
            Console.WriteLine($"| all Ready after (from first apply) | {allReady.TotalSeconds:0.0} s |");
            Console.WriteLine($"| operator API writes per object | {(double)writes.Count / count:0.00} |");
            foreach (var group in writes.GroupBy(w => $"{w.Verb} {w.Resource}{(w.Subresource.Length > 0 ? "/" + w.Subresource : "")}").OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"| - {group.Key} | {(double)group.Count() / count:0.00} per object |");
            }

            var reconciles = await ReconcileCountAsync(probePort);
            Console.WriteLine($"| reconciles per object | {reconciles / count:0.00} |");
            Console.WriteLine($"| operator CPU time (user + system) | {CpuSeconds(op.Id):0.0} s |");
            Console.WriteLine($"| operator peak RSS (VmHWM) | {peakRss} MB |");
            Console.WriteLine($"| operator RSS now: anonymous / file-backed | {StatusMegabytes(op.Id, "RssAnon:")} MB / {StatusMegabytes(op.Id, "RssFile:")} MB |");
            var self = Environment.ProcessId;
            Console.WriteLine($"| local cluster process CPU time from first create to all Ready | {CpuSeconds(self) - clusterCpuAtStart:0.0} s |");
            Console.WriteLine($"| local cluster process peak RSS (VmHWM) | {PeakRssMegabytes(self)} MB |");
            Console.WriteLine($"| local cluster GCs (gen0 / gen1 / gen2), pause total, allocated | {GC.CollectionCount(0) - gcAtStart.Gen0} / {GC.CollectionCount(1) - gcAtStart.Gen1} / {GC.CollectionCount(2) - gcAtStart.Gen2}, {(GC.GetTotalPauseDuration() - gcAtStart.Pause).TotalSeconds:0.0} s, {(GC.GetTotalAllocatedBytes() - gcAtStart.Allocated) / (1024.0 * 1024 * 1024):0.0} GB |");
            Console.WriteLine($"| local cluster managed heap after convergence | {GC.GetGCMemoryInfo().HeapSizeBytes / (1024.0 * 1024):0} MB |");
            Console.WriteLine($"| load average (1, 5, 15 min) at first create / at the end | {loadAtStart} / {LoadAverage()} |");
            Console.WriteLine($"| CPU time the hypervisor gave to others (steal), first create to the end | {StolenSeconds() - stolenAtStart:0.0} s |");
            // Everything the API server answered, by client: what the simulated control plane costs it.
            var all = cluster.ApiServer.Requests.Snapshot();
            Console.WriteLine($"| API requests answered, all clients | {all.Count} |");
            foreach (var group in all.GroupBy(r => $"{r.UserAgent.Split('/')[0]} {r.Verb} {r.Resource}{(r.Subresource.Length > 0 ? "/" + r.Subresource : "")}").OrderByDescending(g => g.Count()).Take(15))
            {
                Console.WriteLine($"| - {group.Key} | {group.Count()} |");
            }

            // Refused requests (409s are retried writes), and every request about the first object refused
            // with a 409, in order: who else wrote it.
            foreach (var group in all.Where(r => r.StatusCode >= 300).GroupBy(r => $"{r.UserAgent.Split('/')[0]} {r.Verb} {r.Resource}{(r.Subresource.Length > 0 ? "/" + r.Subresource : "")} {r.StatusCode}").OrderByDescending(g => g.Count()).Take(10))
            {
                Console.WriteLine($"| - answered {group.Key} | {group.Count()} |");
            }

            if (all.FirstOrDefault(r => r.StatusCode == 409) is { } conflict)
            {
                var history = all.Where(r => r.Resource == conflict.Resource && r.Namespace == conflict.Namespace && r.Name == conflict.Name)
                    .Select(r => $"{r.Time:HH:mm:ss.fff} {r.UserAgent.Split('/')[0]} {r.Verb}{(r.Subresource.Length > 0 ? " " + r.Subresource : "")} {r.StatusCode}");
                Console.WriteLine($"requests about {conflict.Resource} {conflict.Namespace}/{conflict.Name}, the first refused with 409: {string.Join("; ", history)}");
            }

            if (Environment.GetEnvironmentVariable("AIOP_BENCH_MAPPINGS") == "1")
            {
                PrintLargestMappings(op.Id);
            }

            // AIOP_BENCH_HOLD=1 keeps the converged operator up until a line arrives on stdin, so
            // dotnet-gcdump / dotnet-counters can be pointed at it.
            if (Environment.GetEnvironmentVariable("AIOP_BENCH_HOLD") == "1")
            {
                Console.WriteLine($"holding operator pid {op.Id}; send a line on stdin to finish");
                await Console.In.ReadLineAsync();
            }
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

    private static ModelDeployment New(int i, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"model-{i:0000}", NamespaceProperty = "bench" },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSource { Name = "resnet18", Version = "1", Uri = $"pvc://models/m{i}/model.onnx" },
            Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = 1 } },
            Replicas = replicas,
        },
    };

    internal static IEnumerable<(string Name, string Value)> ShippedRuntimeSettings()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AiOperator.sln")))
        {
            dir = dir.Parent;
        }

        var dockerfile = dir is null ? null : Path.Combine(dir.FullName, "operator", "Dockerfile");
        if (dockerfile is null || !File.Exists(dockerfile))
        {
            throw new InvalidOperationException("operator/Dockerfile not found above the benchmark's directory: its runtime settings are part of what is measured");
        }

        foreach (var line in File.ReadLines(dockerfile))
        {
            if ((line.StartsWith("ENV DOTNET_", StringComparison.Ordinal) || line.StartsWith("ENV MALLOC_", StringComparison.Ordinal))
                && line.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                yield return (line[4..eq], line[(eq + 1)..].Trim());
            }
        }
    }

    // Resident memory by mapping (file path, or [anon]/[heap]/...), largest first: where the RSS sits.
    private static void PrintLargestMappings(int pid)
    {
        var byName = new Dictionary<string, long>(StringComparer.Ordinal);
        var current = "";
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && parts[0].Contains('-', StringComparison.Ordinal) && !parts[0].EndsWith(':'))
            {
                current = parts.Length >= 6 ? Path.GetFileName(parts[5]) : "[anon]";
            }
            else if (parts.Length >= 2 && parts[0] == "Rss:")
            {
                byName[current] = byName.GetValueOrDefault(current) + long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| mapping | RSS |");
        Console.WriteLine("|---|---|");
        foreach (var (name, kb) in byName.OrderByDescending(p => p.Value).Take(25))
        {
            Console.WriteLine($"| {name} | {kb / 1024.0:0.0} MB |");
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    // controller_runtime_reconcile_total summed over results, from the operator's own /metrics.
    private static async Task<double> ReconcileCountAsync(int port)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        return text.Split('\n')
            .Where(l => l.StartsWith("controller_runtime_reconcile_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    // utime + stime from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux).
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    // The machine is a VM: cores its hypervisor gives to other guests slow every figure here by as much.
    // /proc/stat's first line: "cpu user nice system idle iowait irq softirq steal ...", in USER_HZ (100 a second).
    private static double StolenSeconds() =>
        long.Parse(File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[8], CultureInfo.InvariantCulture) / 100.0;

    private static string LoadAverage() => string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string PeakRssMegabytes(int pid) => StatusMegabytes(pid, "VmHWM:");

    private static string StatusMegabytes(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var kb = line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return (kb / 1024.0).ToString("0", CultureInfo.InvariantCulture);
    }
}
