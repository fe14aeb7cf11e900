using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace AiOperator.ControllerRuntime.Metrics;

/// <summary>Cumulative buckets, sum and count per label-value tuple.</summary>
public sealed class Histogram : Metric
{
    private readonly double[] _bounds;
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    internal Histogram(string name, string help, IReadOnlyList<double> buckets, string[] labelNames)
        : base(name, help, "histogram", labelNames)
    {
        _bounds = buckets.Where(b => !double.IsPositiveInfinity(b)).Order().ToArray();
        if (_bounds.Length == 0)
        {
            throw new ArgumentException("A histogram needs at least one finite bucket.", nameof(buckets));
        }
    }

    public void Observe(double value, params string[] labelValues)
    {
        var series = _series.GetOrAdd(SeriesKey(labelValues), _ => new Series(_bounds.Length));
        lock (series)
        {
            for (var i = 0; i < _bounds.Length; i++)
            {
                if (value <= _bounds[i])
                {
                    series.Buckets[i]++;
                }
            }

            series.Count++;
            series.Sum += value;
        }
    }

    public long Count(params string[] labelValues)
    {
        if (!_series.TryGetValue(SeriesKey(labelValues), out var series))
        {
            return 0;
        }

        lock (series)
        {
            return series.Count;
        }
    }

    private protected override void WriteSeries(StringBuilder text)
    {
        foreach (var (key, series) in Sorted(_series))
        {
            lock (series)
            {
                for (var i = 0; i < _bounds.Length; i++)
                {
                    text.Append(Name).Append("_bucket").Append(Labels(key, ("le", _bounds[i].ToString("R", CultureInfo.InvariantCulture))))
                        .Append(' ').Append(series.Buckets[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                text.Append(Name).Append("_bucket").Append(Labels(key, ("le", "+Inf"))).Append(' ')
                    .Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                text.Append(Name).Append("_sum").Append(Labels(key)).Append(' ').Append(MetricsRegistry.FormatValue(series.Sum)).Append('\n');
                text.Append(Name).Append("_count").Append(Labels(key)).Append(' ')
                    .Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }

    private sealed class Series(int buckets)
    {
        public long[] Buckets { get; } = new long[buckets];

        public long Count { get; set; }

        public double Sum { get; set; }
    }
}
