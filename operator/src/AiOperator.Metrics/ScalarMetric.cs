using System.Collections.Concurrent;
using System.Text;

namespace AiOperator.Metrics;

/// <summary>A metric with one number per label-value tuple (counters and gauges).</summary>
public abstract class ScalarMetric : Metric
{
    private readonly ConcurrentDictionary<string, StrongBox<double>> _series = new(StringComparer.Ordinal);

    private protected ScalarMetric(string name, string help, string type, string[] labelNames)
        : base(name, help, type, labelNames)
    {
    }

    public double Value(params string[] labelValues) =>
        _series.TryGetValue(SeriesKey(labelValues), out var box) ? Volatile.Read(ref box.Value) : 0;

    private protected StrongBox<double> Series(string[] labelValues) => _series.GetOrAdd(SeriesKey(labelValues), _ => new StrongBox<double>());

    private protected void Update(string[] labelValues, Func<double, double> change) => Update(Series(labelValues), change);

    private protected static void Update(StrongBox<double> box, Func<double, double> change)
    {
        lock (box)
        {
            box.Value = change(box.Value);
        }
    }

    private protected bool RemoveSeries(string[] labelValues) => _series.TryRemove(SeriesKey(labelValues), out _);

    private protected override void WriteSeries(StringBuilder text)
    {
        foreach (var (key, box) in Sorted(_series))
        {
            text.Append(Name).Append(Labels(key)).Append(' ').Append(MetricsRegistry.FormatValue(Volatile.Read(ref box.Value))).Append('\n');
        }
    }
}
