using System.Globalization;
using System.Text;
using AiOperator.Api.V1Alpha1;

namespace AiOperator.Benchmarks.Autoscaling;

// Our autoscaler (the production ReplicaRecommender on the production parser and windows) against a
// model of the HPA with Kubernetes' defaults, on step, ramp and spike traces in simulated time.
// Deterministic: same figures on any machine.
// Usage: dotnet run -c Release --project tests/AiOperator.Benchmarks -- autoscaler [--charts docs/benchmarks] [--out file.md]
internal static class AutoscalerScenario
{
    private static readonly ServiceModel Service = new(Slots: 8, BaseLatencySeconds: 0.1, MaxQueue: 64);

    public static int Run(string[] args)
    {
        var charts = Option(args, "--charts");
        var output = Option(args, "--out");
        var md = new StringBuilder();
        foreach (var (metric, target) in new[] { (AutoscalingMetric.Concurrency, 6.0), (AutoscalingMetric.RequestsPerSecond, 60.0) })
        {
            var simulation = new TraceSimulation { Service = Service, ReadinessDelay = TimeSpan.FromSeconds(30), Metric = metric, Target = target };
            Compare(simulation, charts, md);
        }

        Console.Write(md.ToString());
        if (output is not null)
        {
            File.WriteAllText(output, md.ToString());
        }

        return 0;
    }

    private static void Compare(TraceSimulation simulation, string? charts, StringBuilder md)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"#### Metric {simulation.Metric}, target {simulation.Target} per pod");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Each pod serves {Service.Slots} requests at once at {Service.BaseLatencySeconds * 1000:0} ms ({Service.PodCapacity:0} req/s per pod) "
            + $"and queues at most {Service.MaxQueue} more (`--max-queue-size {Service.MaxQueue}`), refusing the rest with 503; "
            + $"both autoscalers on {simulation.Metric} with target {simulation.Target} per pod; pods ready {simulation.ReadinessDelay.TotalSeconds:0} s after being asked for; "
            + $"{simulation.InitialReplicas} replicas at t=0, bounds {simulation.MinReplicas}-{simulation.MaxReplicas}.");
        md.AppendLine();

        // The 5× step at every phase against the 2 s scrapes and the 15 s HPA syncs (lcm 30 s, 0.5 s apart).
        var sweep = new List<(double Offset, RunFigures Ours, RunFigures Hpa)>();
        for (var offset = 0.0; offset < 30; offset += TraceSimulation.Step.TotalSeconds)
        {
            var trace = LoadTrace.Step(120 + offset);
            sweep.Add((offset, RunFigures.Of(simulation.RunOurs(trace), Service), RunFigures.Of(simulation.RunHpa(trace, TimeSpan.Zero), Service)));
        }

        var oursFirst = sweep.Select(s => s.Ours.FirstScaleUpSeconds ?? double.NaN).Order().ToList();
        var hpaFirst = sweep.Select(s => s.Hpa.FirstScaleUpSeconds ?? double.NaN).Order().ToList();
        var ratios = sweep.Select(s => (s.Hpa.FirstScaleUpSeconds ?? double.NaN) / (s.Ours.FirstScaleUpSeconds ?? double.NaN)).Order().ToList();
        md.AppendLine("5× step, seconds from the step to the first scale-up decision, over 60 step times 0.5 s apart (every phase against our 2 s scrapes and the HPA's 15 s syncs; median = lower middle value):");
        md.AppendLine();
        md.AppendLine("| | min | median | mean | max |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        md.AppendLine(Row("aiop autoscaler (s)", oursFirst));
        md.AppendLine(Row("HPA (s)", hpaFirst));
        md.AppendLine(Row("HPA ÷ aiop, per step time", ratios));
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Ratio of the means: {hpaFirst.Average() / oursFirst.Average():0.0}×; of the medians: {Median(hpaFirst) / Median(oursFirst):0.0}×.");
        md.AppendLine();

        // The step shown: the first step time whose HPA decision time is the sweep's median.
        var shown = sweep.First(s => s.Hpa.FirstScaleUpSeconds == Median(hpaFirst));
        var traces = new[] { LoadTrace.Step(120 + shown.Offset), LoadTrace.Ramp(), LoadTrace.Spike() };
        foreach (var trace in traces)
        {
            var ours = simulation.RunOurs(trace);
            var hpa = simulation.RunHpa(trace, TimeSpan.Zero);
            var (a, b) = (RunFigures.Of(ours, Service), RunFigures.Of(hpa, Service));
            md.AppendLine(CultureInfo.InvariantCulture, $"**{trace.Name}**, {simulation.Metric}: {trace.Description}; HPA syncs at t = 0, 15, 30, ... s.");
            md.AppendLine();
            md.AppendLine("| | aiop autoscaler | HPA (defaults) |");
            md.AppendLine("|---|---:|---:|");
            md.AppendLine(Pair("first scale-up decision after the load rose (s)", a.FirstScaleUpSeconds, b.FirstScaleUpSeconds));
            md.AppendLine(Pair("enough ready capacity, backlog drained (s after the rise)", a.EnoughCapacitySeconds, b.EnoughCapacitySeconds));
            md.AppendLine(Pair("time short of capacity (s)", a.ShortSeconds, b.ShortSeconds));
            md.AppendLine(Pair("peak p95 latency (ms)", a.PeakP95Ms, b.PeakP95Ms));
            md.AppendLine(Pair("requests refused (queue full)", a.Rejected, b.Rejected));
            md.AppendLine(Pair("replica-seconds (pods asked for, ready or not)", a.ReplicaSeconds, b.ReplicaSeconds));
            md.AppendLine(Pair("most replicas", a.MaxReplicas, b.MaxReplicas));
            md.AppendLine(Pair("direction changes", a.DirectionChanges, b.DirectionChanges));
            md.AppendLine(CultureInfo.InvariantCulture, $"| decisions (t: from → to) | {Decisions(ours)} | {Decisions(hpa)} |");
            md.AppendLine();
            if (charts is not null)
            {
                Directory.CreateDirectory(charts);
                var file = $"autoscaler-{simulation.Metric.ToString().ToLowerInvariant()}-{trace.Name}.png";
                ComparisonChart.Save(ours, hpa, Path.Combine(charts, file));
                md.AppendLine(CultureInfo.InvariantCulture, $"![{trace.Name}, {simulation.Metric}]({Path.GetFileName(Path.TrimEndingDirectorySeparator(charts))}/{file})");
                md.AppendLine();
            }
        }
    }

    private static string Decisions(SimulationRun run)
    {
        var shown = run.Decisions.Take(12).Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.At:0.#}: {d.From}→{d.To}"));
        return string.Join(", ", shown) + (run.Decisions.Count > 12 ? $", ... ({run.Decisions.Count} in all)" : "");
    }

    private static string Row(string name, List<double> sorted) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {sorted[0]:0.0} | {Median(sorted):0.0} | {sorted.Average():0.0} | {sorted[^1]:0.0} |");

    private static string Pair(string name, double? a, double? b) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {Format(a)} | {Format(b)} |");

    private static string Format(double? v) => v switch
    {
        null => "never",
        double.PositiveInfinity => "∞",
        _ => v.Value.ToString(v.Value >= 100 ? "#,0" : "0.#", CultureInfo.InvariantCulture),
    };

    private static double Median(List<double> sorted) => sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : sorted[(sorted.Count / 2) - 1];

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
