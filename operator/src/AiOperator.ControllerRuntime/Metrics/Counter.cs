using System.Collections.Concurrent;
using System.Text;

namespace AiOperator.ControllerRuntime.Metrics;

/// <summary>A monotonically increasing count per label-value tuple.</summary>
public sealed class Counter : Metric
{
    private readonly ConcurrentDictionary<string, StrongBox<double>> _series = new(StringComparer.Ordinal);

    internal Counter(string name, string help, string[] labelNames)
        : base(name, help, "counter", labelNames)
    {
    }

    public void Inc(params string[] labelValues) => Add(1, labelValues);

    public void Add(double amount, params string[] labelValues)
    {
        if (amount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), "A counter only goes up.");
        }

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
