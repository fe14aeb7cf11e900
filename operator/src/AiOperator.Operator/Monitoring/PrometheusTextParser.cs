using System.Globalization;
using System.Text;

namespace AiOperator.Operator.Monitoring;

/// <summary>
/// Parses the Prometheus text exposition format (0.0.4): comments, samples with optional labels and
/// timestamp, escaped label values, NaN/±Inf. Keeps only samples whose name is wanted; any syntax error
/// or exceeded limit fails the whole body, as a Prometheus scrape does.
/// </summary>
internal static class PrometheusTextParser
{
    /// <summary>Picks the wanted names: the name as a string (one the caller keeps, so lines allocate no name), or null to skip the line.</summary>
    public delegate string? NameLookup(ReadOnlySpan<char> name);

    public static IReadOnlyList<PrometheusSample> Parse(string body, Func<string, bool> wanted, PrometheusTextLimits limits)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(wanted);
        return Parse(body.AsSpan(), name => name.ToString() is var s && wanted(s) ? s : null, limits);
    }

    public static IReadOnlyList<PrometheusSample> Parse(ReadOnlySpan<char> body, NameLookup wanted, PrometheusTextLimits limits)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(limits);
        var samples = new List<PrometheusSample>();
        var value = new StringBuilder();
        var lineNumber = 0;
        var start = 0;
        while (start < body.Length)
        {
            var newline = body[start..].IndexOf('\n');
            var end = newline < 0 ? body.Length : start + newline;

            lineNumber++;
            if (lineNumber > limits.MaxLines)
            {
                throw new FormatException($"more than {limits.MaxLines} lines");
            }

            if (end - start > limits.MaxLineLength)
            {
                throw new FormatException($"line {lineNumber}: longer than {limits.MaxLineLength} characters");
            }

            var line = body[start..end].TrimEnd('\r');
            start = end + 1;
            var trimmed = line.TrimStart();
            if (trimmed.IsEmpty || trimmed[0] == '#')
            {
                continue;
            }

            var sample = ParseLine(trimmed, wanted, limits, lineNumber, value);
            if (sample is null)
            {
                continue;
            }

            if (samples.Count >= limits.MaxSamples)
            {
                throw new FormatException($"more than {limits.MaxSamples} wanted samples");
            }

            samples.Add(sample);
        }

        return samples;
    }

    private static PrometheusSample? ParseLine(ReadOnlySpan<char> line, NameLookup wanted, PrometheusTextLimits limits, int lineNumber, StringBuilder value)
    {
        var i = 0;
        while (i < line.Length && IsNameChar(line[i], i == 0))
        {
            i++;
        }

        if (i == 0)
        {
            throw new FormatException($"line {lineNumber}: expected a metric name");
        }

        var name = wanted(line[..i]);
        if (name is null)
        {
            return null;
        }

        var labels = new List<KeyValuePair<string, string>>();
        if (i < line.Length && line[i] == '{')
        {
            i = ParseLabels(line, i + 1, labels, limits, lineNumber, value);
        }

        var rest = line[i..].Trim();
        var space = rest.IndexOfAny(' ', '\t');
        var valueText = space < 0 ? rest : rest[..space];
        if (valueText.IsEmpty)
        {
            throw new FormatException($"line {lineNumber}: sample {name} has no value");
        }

        return new PrometheusSample(name, labels, ParseValue(valueText, lineNumber));
    }

    // One builder per body for the label values, and the usual label names without a string each: a scrape of
    // hundreds of pods every 2 s should not allocate per label what it can share.
    private static int ParseLabels(ReadOnlySpan<char> line, int i, List<KeyValuePair<string, string>> labels, PrometheusTextLimits limits, int lineNumber, StringBuilder value)
    {
        while (true)
        {
            while (i < line.Length && (line[i] == ' ' || line[i] == ','))
            {
                i++;
            }

            if (i < line.Length && line[i] == '}')
            {
                return i + 1;
            }

            var nameStart = i;
            while (i < line.Length && IsLabelChar(line[i], i == nameStart))
            {
                i++;
            }

            if (i == nameStart || i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"')
            {
                throw new FormatException($"line {lineNumber}: malformed label at column {i + 1}");
            }

            var labelName = CommonLabelNames.TryGetValue(line[nameStart..i], out var known) ? known : line[nameStart..i].ToString();
            i += 2;
            value.Clear();
            while (true)
            {
                if (i >= line.Length)
                {
                    throw new FormatException($"line {lineNumber}: unterminated label value");
                }

                var c = line[i++];
                if (c == '"')
                {
                    break;
                }

                if (c == '\\' && i < line.Length)
                {
                    var escaped = line[i++];
                    c = escaped switch
                    {
                        'n' => '\n',
                        '\\' => '\\',
                        '"' => '"',
                        _ => throw new FormatException($"line {lineNumber}: unknown escape \\{escaped}"),
                    };
                }

                if (value.Length >= limits.MaxLabelValueLength)
                {
                    throw new FormatException($"line {lineNumber}: label {labelName} longer than {limits.MaxLabelValueLength} characters");
                }

                value.Append(c);
            }

            if (labels.Count >= limits.MaxLabelsPerSample)
            {
                throw new FormatException($"line {lineNumber}: more than {limits.MaxLabelsPerSample} labels");
            }

            labels.Add(new KeyValuePair<string, string>(labelName, value.ToString()));
        }
    }

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> CommonLabelNames =
        new HashSet<string>(["le", "quantile", "model", "version", "reason", "gpu", "gpu_uuid"], StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    private static double ParseValue(ReadOnlySpan<char> text, int lineNumber) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"line {lineNumber}: '{Clip(text)}' is not a number"),
    };

    private static string Clip(ReadOnlySpan<char> text) => text.Length <= 32 ? text.ToString() : text[..32].ToString() + "...";

    private static bool IsNameChar(char c, bool first) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':' || !first && c is >= '0' and <= '9';

    private static bool IsLabelChar(char c, bool first) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || !first && c is >= '0' and <= '9';
}
