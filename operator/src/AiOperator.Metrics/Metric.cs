using System.Collections.Concurrent;
using System.Text;

namespace AiOperator.Metrics;

/// <summary>One metric family: a name, help text, label names and one series per label-value tuple.</summary>
public abstract class Metric
{
    private const char Separator = '\u0001';

    private protected Metric(string name, string help, string type, string[] labelNames)
    {
        Name = name;
        Help = help;
        Type = type;
        LabelNames = labelNames;
    }

    public string Name { get; }

    public string Help { get; }

    public string Type { get; }

    public IReadOnlyList<string> LabelNames { get; }

    private protected string SeriesKey(string[] labelValues)
    {
        if (labelValues.Length != LabelNames.Count)
        {
            throw new ArgumentException($"{Name} takes {LabelNames.Count} label values, got {labelValues.Length}.", nameof(labelValues));
        }

        return string.Join(Separator, labelValues);
    }

    private protected string Labels(string seriesKey, params (string Name, string Value)[] extra)
    {
        var pairs = new List<string>();
        if (LabelNames.Count > 0)
        {
            var values = seriesKey.Split(Separator);
            for (var i = 0; i < LabelNames.Count; i++)
            {
                pairs.Add($"{LabelNames[i]}=\"{MetricsRegistry.EscapeLabel(values[i])}\"");
            }
        }

        pairs.AddRange(extra.Select(e => $"{e.Name}=\"{MetricsRegistry.EscapeLabel(e.Value)}\""));
        return pairs.Count == 0 ? string.Empty : "{" + string.Join(',', pairs) + "}";
    }

    internal void WriteTo(StringBuilder text)
    {
        text.Append("# HELP ").Append(Name).Append(' ').Append(Help.Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(' ').Append(Type).Append('\n');
        WriteSeries(text);
    }

    private protected abstract void WriteSeries(StringBuilder text);

    private protected static IEnumerable<KeyValuePair<string, TValue>> Sorted<TValue>(ConcurrentDictionary<string, TValue> series) =>
        series.OrderBy(s => s.Key, StringComparer.Ordinal);
}
