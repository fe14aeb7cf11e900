using System.Globalization;

namespace AiOperator.ModelServer.Tests.Support;

/// <summary>Reads Prometheus text exposition into "name{labels}" -> value, checking each line's shape on the way.</summary>
internal static class PrometheusText
{
    public static Dictionary<string, double> Parse(string text)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Xunit.Assert.Matches(@"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$", line);
                continue;
            }

            var space = line.LastIndexOf(' ');
            result[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }

        return result;
    }

    public static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient client) =>
        Parse(await client.GetStringAsync("/metrics"));

    /// <summary>
    /// Scrapes until <paramref name="counted"/> holds and returns that scrape. The server counts an HTTP request as
    /// finished after writing its answer, whose Content-Length lets the client return with it first; so a scrape
    /// right after the last answer may not count it yet.
    /// </summary>
    public static async Task<Dictionary<string, double>> ScrapeWhenAsync(HttpClient client, Func<Dictionary<string, double>, bool> counted, string what)
    {
        Dictionary<string, double>? metrics = null;
        await Eventually.TrueAsync(async () => counted(metrics = await ScrapeAsync(client)), what);
        return metrics!;
    }

    /// <summary>The value of the single series whose key starts with name{ (or equals name).</summary>
    public static double Value(Dictionary<string, double> metrics, string name, string? labelContains = null) =>
        metrics.Single(kv => (kv.Key == name || kv.Key.StartsWith(name + "{", StringComparison.Ordinal))
            && (labelContains is null || kv.Key.Contains(labelContains, StringComparison.Ordinal))).Value;
}
