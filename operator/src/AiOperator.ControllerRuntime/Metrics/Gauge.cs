using System.Collections.Concurrent;
using System.Text;

namespace AiOperator.ControllerRuntime.Metrics;

/// <summary>A value that goes up and down per label-value tuple.</summary>
public sealed class Gauge : Metric
{
    private readonly ConcurrentDictionary<string, StrongBox<double>> _series = new(StringComparer.Ordinal);

    internal Gauge(string name, string help, string[] labelNames)
        : base(name, help, "gauge", labelNames)
    {
    }

    public void Set(double value, params string[] labelValues)
    {
        var box = _series.GetOrAdd(SeriesKey(labelValues), _ => new StrongBox<double>());
        lock (box)
        {
            box.Value = value;
        }
    }

    public void Add(double amount, params string[] labelValues)
    {
        var box = _series.GetOrAdd(SeriesKey(labelValues), _ => new StrongBox<double>());
        lock (box)
        {
            box.Value += amount;
        }
    }

    public double Value(params string[] labelValues) =>
        _series.TryGetValue(SeriesKey(labelValues), out var box) ? Volatile.Read(ref box.Value) : 0;

    private protected override void WriteSeries(StringBuilder text)
    {
        foreach (var (key, box) in Sorted(_series))
        {
            text.Append(Name).Append(Labels(key)).Append(' ').Append(MetricsRegistry.FormatValue(Volatile.Read(ref box.Value))).Append('\n');
        }
    }
}
