using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.Operator.ModelDeployments;
using AiOperator.Operator.Monitoring;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiOperator.Benchmarks.Monitoring;

// The scraper's cost in the operator: the production ModelPodScraper and MetricsStore (its own
// RunAsync loop, real HTTP, the real parser) reading N model pods every 2 s, and after each round the
// windows the autoscaler reads (stable 60 s and panic 6 s per ModelDeployment of 10 pods). The pods
// run in a child process (FakeModelPods, the model server's own ServerMetrics), so this process's
// CPU time and RSS are the scraper's alone; the scraping process runs with the operator's runtime
// settings (its image's ENV DOTNET_* and MALLOC_* lines and its runtimeconfig's GC settings), as the operator would.
// The default run outlasts the store's 3 min retention, so the samples kept are at their steady size.
// Usage: dotnet AiOperator.Benchmarks.dll scraper [--pods 500] [--seconds 200] [--warmup 10]
internal static class ScraperScenario
{
    private const string MeasureVariable = "AIOP_BENCH_SCRAPER_MEASURE";

    public static async Task<int> RunAsync(string[] args)
    {
        if (Environment.GetEnvironmentVariable(MeasureVariable) != "1")
        {
            return await RelaunchWithOperatorSettingsAsync(args);
        }

        var count = Int(args, "--pods", 500);
        var seconds = Int(args, "--seconds", 200);
        var warmup = Int(args, "--warmup", 10);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(ScraperScenario).Assembly.Location, "scraper-pods", count.ToString(CultureInfo.InvariantCulture), port.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var child = Process.Start(start)!;
        try
        {
            var ready = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (ready?.StartsWith("ready", StringComparison.Ordinal) != true)
            {
                Console.Error.WriteLine($"the fake pods did not start: {ready}");
                return 2;
            }

            var pods = Enumerable.Range(0, count).Select(Pod).ToList();
            var options = new ScraperOptions { Port = port };

            // The operator talks HTTP to the API server all day: its HTTP stack is loaded and compiled before
            // any scrape. Do the same here with a throwaway client, so the baseline is such a process.
            using (var warm = new HttpClient())
            {
                for (var i = 0; i < 20; i++)
                {
                    await warm.GetStringAsync(new Uri($"http://{FakeModelPods.Address(0)}:{port}/metrics"));
                }
            }

            GC.Collect();
            var before = Memory.Read();
            var store = new MetricsStore(TimeProvider.System, options.Retention);
            using var handler = ModelPodScraper.DirectHandler(options);
            using var http = new HttpMessageInvoker(handler);
            var scraper = new ModelPodScraper(new StaticPodCache(pods), store, new ModelLoadFailures(), http, options,
                new ControllerMetrics(), TimeProvider.System, NullLogger<ModelPodScraper>.Instance);
            var deployments = pods.Select(p => p.Metadata.Labels[ModelDeploymentLabels.ModelDeployment]).Distinct().ToList();

            var clock = Stopwatch.StartNew();
            var measuring = false;
            TimeSpan cpuStart = default, wallStart = default;
            Memory atStart = default;
            long allocatedStart = 0;
            int rounds = 0, scraped = 0, failed = 0;
            var roundTimes = new List<double>();
            var lastRound = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(warmup + seconds));
            try
            {
                await scraper.RunAsync((round, _) =>
                {
                    // What the autoscaler reads after each round.
                    foreach (var md in deployments)
                    {
                        store.Snapshot("bench", md, "r1", TimeSpan.FromSeconds(60));
                        store.Snapshot("bench", md, "r1", TimeSpan.FromSeconds(6));
                    }

                    if (measuring)
                    {
                        rounds++;
                        scraped += round.Scraped;
                        failed += round.Failed;
                        roundTimes.Add(lastRound.Elapsed.TotalMilliseconds);
                    }
                    else if (clock.Elapsed >= TimeSpan.FromSeconds(warmup))
                    {
                        measuring = true;
                        cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
                        wallStart = clock.Elapsed;
                        atStart = Memory.Read();
                        allocatedStart = GC.GetTotalAllocatedBytes();
                    }

                    return Task.CompletedTask;
                }, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }

            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuStart;
            var wall = clock.Elapsed - wallStart;
            var end = Memory.Read();
            var allocated = GC.GetTotalAllocatedBytes() - allocatedStart;
            Console.WriteLine($"scraper scenario: {count} pods ({ready[6..]}), every {options.Interval.TotalSeconds:0} s, {seconds} s measured after {warmup} s of warm-up, {Environment.ProcessorCount} cores");
            Console.WriteLine();
            Console.WriteLine("| figure | value | target |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine($"| rounds measured | {rounds} ({scraped} scrapes, {failed} failed) | |");
            Console.WriteLine($"| scraper CPU | {cpu.TotalSeconds / wall.TotalSeconds:0.000} cores ({cpu.TotalMilliseconds:0} ms CPU in {wall.TotalSeconds:0.0} s) | ≤ 0.2 core |");
            Console.WriteLine($"| allocated per round | {allocated / Math.Max(1, rounds) / 1024.0 / 1024.0:0.00} MB | |");
            Console.WriteLine($"| RSS before the scraper (HTTP stack warmed) | {before.RssMb:0.0} MB | |");
            Console.WriteLine($"| RSS after warm-up / at the end | {atStart.RssMb:0.0} / {end.RssMb:0.0} MB | |");
            Console.WriteLine($"| RSS growth from the scraper (end - before) | {end.RssMb - before.RssMb:0.0} MB | ≤ 30 MB |");
            Console.WriteLine($"| peak RSS of the process (VmHWM) | {end.HwmMb:0.0} MB | |");
            Console.WriteLine($"| RSS growth: anonymous / file-backed (code) | {end.AnonMb - before.AnonMb:0.0} / {end.FileMb - before.FileMb:0.0} MB | |");
            Console.WriteLine($"| GC committed before / at the end | {before.GcCommittedMb:0.0} / {end.GcCommittedMb:0.0} MB | |");
            Console.WriteLine($"| threads before / at the end | {before.Threads} / {end.Threads} | |");
            var info = GC.GetGCMemoryInfo();
            Console.WriteLine($"| GC generations after the last GC (gen0, gen1, gen2, LOH, POH): size / fragmentation | {string.Join(", ", info.GenerationInfo.ToArray().Select(g => $"{g.SizeAfterBytes / 1048576.0:0.0}/{g.FragmentationAfterBytes / 1048576.0:0.0}"))} MB ({GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} GCs) | |");
            Console.WriteLine($"| managed heap at the end: in use / committed by the GC | {GC.GetTotalMemory(false) / 1024.0 / 1024.0:0.0} / {info.TotalCommittedBytes / 1024.0 / 1024.0:0.0} MB | |");
            Console.WriteLine($"| live managed data after a full GC (the store's samples, connections) | {GC.GetTotalMemory(true) / 1024.0 / 1024.0:0.0} MB | |");

            // The split of the live data: forget every pod's samples, then close the pooled connections.
            var (samples, room) = store.SampleCount;
            var live = GC.GetTotalMemory(true);
            store.Retain(new HashSet<(string, string)>());
            var withoutSamples = GC.GetTotalMemory(true);
            http.Dispose();
            handler.Dispose();
            var withoutConnections = GC.GetTotalMemory(true);
            Console.WriteLine($"| of which the store's kept samples | {(live - withoutSamples) / 1024.0 / 1024.0:0.0} MB ({samples} samples in room for {room}, kept {store.Keep.TotalSeconds:0} s; {(live - withoutSamples) / (double)Math.Max(1, samples):0} bytes per sample) | |");
            Console.WriteLine($"| of which the pooled connections | {(withoutSamples - withoutConnections) / 1024.0 / 1024.0:0.0} MB ({(withoutSamples - withoutConnections) / (double)count / 1024:0.0} KB per pod) | |");
            Console.WriteLine($"| the rest (HTTP stack, runtime, benchmark) | {withoutConnections / 1024.0 / 1024.0:0.0} MB | |");
            return failed == 0 && rounds > 0 ? 0 : 1;
        }
        finally
        {
            child.StandardInput.Close();
            if (!child.WaitForExit(10_000))
            {
                child.Kill();
            }
        }
    }

    private static async Task<int> RelaunchWithOperatorSettingsAsync(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { typeof(ScraperScenario).Assembly.Location, "scraper" } };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The operator project's runtimeconfig: ConserveMemory 9, TieredPGO off; then its image's ENV lines.
        var settings = new List<(string Name, string Value)> { ("DOTNET_GCConserveMemory", "9"), ("DOTNET_TieredPGO", "0") };
        settings.AddRange(Operator.OperatorScaleScenario.ShippedRuntimeSettings());
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        start.Environment[MeasureVariable] = "1";
        Console.WriteLine($"scraping process environment: {string.Join(' ', settings.Select(s => $"{s.Name}={s.Value}"))}");
        using var measure = Process.Start(start)!;
        await measure.WaitForExitAsync();
        return measure.ExitCode;
    }

    private static V1Pod Pod(int i) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"model-{i / 10}-{i % 10}",
            NamespaceProperty = "bench",
            Labels = new Dictionary<string, string> { [ModelDeploymentLabels.ModelDeployment] = $"model-{i / 10}", [ModelDeploymentLabels.Revision] = "r1" },
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = FakeModelPods.Address(i).ToString(),
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
        },
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int Int(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private readonly record struct Memory(double RssMb, double HwmMb, double AnonMb, double FileMb, double GcCommittedMb, int Threads)
    {
        // /proc/self/status: VmRSS (= RssAnon + RssFile + RssShmem) and VmHWM in kB; the GC's committed bytes.
        public static Memory Read()
        {
            double rss = double.NaN, hwm = double.NaN, anon = double.NaN, file = double.NaN;
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kb(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kb(line);
                }
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    anon = Kb(line);
                }
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                {
                    file = Kb(line);
                }
            }

            using var self = Process.GetCurrentProcess();
            return new Memory(rss, hwm, anon, file, GC.GetGCMemoryInfo().TotalCommittedBytes / 1024.0 / 1024.0, self.Threads.Count);
        }

        private static double Kb(string line) => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
