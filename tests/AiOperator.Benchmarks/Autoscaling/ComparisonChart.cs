using ScottPlot;
using SkiaSharp;

namespace AiOperator.Benchmarks.Autoscaling;

/// <summary>One PNG per trace, three panels sharing the time axis: replicas (asked for and ready), offered load, p95 latency.</summary>
internal static class ComparisonChart
{
    private const int Width = 1200;
    private const int PanelHeight = 330;

    public static void Save(SimulationRun ours, SimulationRun hpa, string path)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(hpa);
        var x = ours.Seconds;
        var end = x[^1];

        var replicas = Panel($"{ours.Trace.Name}: replicas (solid: asked for, dashed: ready)", "replicas", end);
        Line(replicas, x, ours.Asked.Select(r => (double)r).ToArray(), "aiop autoscaler", Colors.Blue, dashed: false);
        Line(replicas, x, ours.Ready.Select(r => (double)r).ToArray(), null, Colors.Blue, dashed: true);
        Line(replicas, x, hpa.Asked.Select(r => (double)r).ToArray(), "HPA (defaults)", Colors.OrangeRed, dashed: false);
        Line(replicas, x, hpa.Ready.Select(r => (double)r).ToArray(), null, Colors.OrangeRed, dashed: true);
        replicas.ShowLegend(Alignment.UpperRight);

        var load = Panel("offered load", "requests/s", end);
        Line(load, x, ours.Offered, "offered", Colors.Black, dashed: false);

        // Backlogged latencies run to seconds or minutes: a log scale keeps the base latency readable.
        var latency = Panel("p95 latency (log scale)", "p95 latency (ms)", end);
        Line(latency, x, ours.P95Ms.Select(Math.Log10).ToArray(), "aiop autoscaler", Colors.Blue, dashed: false);
        Line(latency, x, hpa.P95Ms.Select(Math.Log10).ToArray(), "HPA (defaults)", Colors.OrangeRed, dashed: false);
        latency.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            LabelFormatter = v => Math.Pow(10, v).ToString("#,0.###", System.Globalization.CultureInfo.InvariantCulture),
            IntegerTicksOnly = true,
        };
        latency.XLabel("simulated seconds");
        latency.ShowLegend(Alignment.UpperRight);

        using var surface = SKSurface.Create(new SKImageInfo(Width, PanelHeight * 3));
        surface.Canvas.Clear(SKColors.White);
        Plot[] panels = [replicas, load, latency];
        for (var i = 0; i < panels.Length; i++)
        {
            // Each panel on its own surface: a plot fills its whole canvas with its background.
            using var panel = SKSurface.Create(new SKImageInfo(Width, PanelHeight));
            panels[i].Render(panel);
            using var snapshot = panel.Snapshot();
            surface.Canvas.DrawImage(snapshot, 0, PanelHeight * i);
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    private static Plot Panel(string title, string yLabel, double end)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.Axes.SetLimitsX(0, end);
        plot.Layout.Fixed(new PixelPadding(80, 30, 45, 40));
        return plot;
    }

    private static void Line(Plot plot, double[] x, double[] y, string? legend, Color color, bool dashed)
    {
        var line = plot.Add.ScatterLine(x, y, color);
        line.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
        line.LineWidth = dashed ? 1.5f : 2;
        if (legend is not null)
        {
            line.LegendText = legend;
        }
    }
}
