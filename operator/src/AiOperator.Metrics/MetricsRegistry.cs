using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace AiOperator.Metrics;

/// <summary>A small set of Prometheus metrics rendered in the text exposition format (version 0.0.4).</summary>
public sealed class MetricsRegistry
{
    private readonly ConcurrentDictionary<string, Metric> _metrics = new(StringComparer.Ordinal);

    public Counter Counter(string name, string help, params string[] labelNames) =>
        (Counter)_metrics.GetOrAdd(name, _ => new Counter(name, help, labelNames));

    public Gauge Gauge(string name, string help, params string[] labelNames) =>
        (Gauge)_metrics.GetOrAdd(name, _ => new Gauge(name, help, labelNames));

    public Histogram Histogram(string name, string help, IReadOnlyList<double> buckets, params string[] labelNames) =>
        (Histogram)_metrics.GetOrAdd(name, _ => new Histogram(name, help, buckets, labelNames));

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var metric in _metrics.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            metric.WriteTo(text);
        }

        return text.ToString();
    }

    internal static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    internal static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
}
