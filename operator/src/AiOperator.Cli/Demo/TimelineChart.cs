using ScottPlot;

namespace AiOperator.Cli.Demo;

/// <summary>The demo's PNG: replicas and canary weight (left/right axes) and client p95 latency over the run, with stage boundaries.</summary>
internal static class TimelineChart
{
    public static void Save(IReadOnlyList<TimelineSample> samples, string path)
    {
        var plot = new Plot();
        plot.Title("aiop demo: replicas, canary weight and p95 latency");
        plot.XLabel("seconds since the demo started");
        var seconds = samples.Select(s => s.Seconds).ToArray();

        var replicas = plot.Add.ScatterLine(seconds, samples.Select(s => (double)s.ReadyReplicas).ToArray());
        replicas.LegendText = "ready replicas";
        replicas.LineWidth = 2;
        plot.Axes.Left.Label.Text = "replicas";

        var latencyAxis = plot.Axes.AddRightAxis();
        latencyAxis.LabelText = "p95 latency (ms) / canary weight (%)";
        var latency = plot.Add.ScatterLine(seconds, samples.Select(s => double.IsNaN(s.ClientP95Ms) ? 0 : s.ClientP95Ms).ToArray());
        latency.LegendText = "client p95 latency (ms)";
        latency.Axes.YAxis = latencyAxis;
        var weight = plot.Add.ScatterLine(seconds, samples.Select(s => (double)s.CanaryWeight).ToArray());
        weight.LegendText = "canary weight (%)";
        weight.LinePattern = LinePattern.Dashed;
        weight.Axes.YAxis = latencyAxis;

        string? previous = null;
        foreach (var sample in samples)
        {
            if (sample.Stage != previous)
            {
                var line = plot.Add.VerticalLine(sample.Seconds);
                line.LineColor = Colors.Gray.WithAlpha(0.5);
                line.Text = sample.Stage;
                line.LabelOppositeAxis = true;
                previous = sample.Stage;
            }
        }

        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1200, 600);
    }
}
