using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace AiOperator.Metrics;

/// <summary>Cumulative buckets, sum and count per label-value tuple.</summary>
public sealed class Histogram : Metric
{
    private readonly double[] _bounds;
    private readonly ConcurrentDictionary<string, HistogramSeries> _series = new(StringComparer.Ordinal);

    internal Histogram(string name, string help, IReadOnlyList<double> buckets, string[] labelNames)
        : base(name, help, "histogram", labelNames)
    {
        _bounds = buckets.Where(b => !double.IsPositiveInfinity(b)).Order().ToArray();
        if (_bounds.Length == 0)
        {
            throw new ArgumentException("A histogram needs at least one finite bucket.", nameof(buckets));
        }
    }

    public IReadOnlyList<double> Bounds => _bounds;

    public void Observe(double value, params string[] labelValues) => WithLabels(labelValues).Observe(value);

    public long Count(params string[] labelValues) =>
        _series.TryGetValue(SeriesKey(labelValues), out var series) ? series.Count : 0;

    /// <summary>The series for these label values, created (and exposed, empty) now: hot paths keep it and skip the lookup.</summary>
    public HistogramSeries WithLabels(params string[] labelValues) =>
        _series.GetOrAdd(SeriesKey(labelValues), _ => new HistogramSeries(_bounds));

    private protected override void WriteSeries(StringBuilder text)
    {
        foreach (var (key, series) in Sorted(_series))
        {
            var cumulative = series.Cumulative();
            for (var i = 0; i < _bounds.Length; i++)
            {
                text.Append(Name).Append("_bucket").Append(Labels(key, ("le", _bounds[i].ToString("R", CultureInfo.InvariantCulture))))
                    .Append(' ').Append(cumulative[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            var total = cumulative[^1].ToString(CultureInfo.InvariantCulture);
            text.Append(Name).Append("_bucket").Append(Labels(key, ("le", "+Inf"))).Append(' ').Append(total).Append('\n');
            text.Append(Name).Append("_sum").Append(Labels(key)).Append(' ').Append(MetricsRegistry.FormatValue(series.Sum)).Append('\n');
            text.Append(Name).Append("_count").Append(Labels(key)).Append(' ').Append(total).Append('\n');
        }
    }
}
