using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AiOperator.Trainer.Export;

namespace AiOperator.Trainer.Reporting;

/// <summary>
/// The report of a finished model, computed from the files alone: the sha256 of the model and the numbers
/// of metrics.json beside it. What the TrainingJob's output reader pod writes for trainers that do not
/// report themselves; the same JSON shape rank 0 of aiop-trainer writes.
/// </summary>
internal static class OutputReport
{
    /// <summary>metrics.json larger than this is refused before it is read.</summary>
    public const int MaxMetricsBytes = 64 * 1024;
    public const int MaxMetrics = 64;
    public const int MaxMetricNameLength = 128;

    /// <summary>The report as UTF-8 JSON (at most 4096 bytes); throws <see cref="ReportException"/> naming the file at fault.</summary>
    public static byte[] Build(string modelPath)
    {
        var fullPath = Path.GetFullPath(modelPath);
        if (Directory.Exists(fullPath))
        {
            throw new ReportException($"model file {modelPath} is a directory, not a file");
        }

        if (!File.Exists(fullPath))
        {
            throw new ReportException($"model file {modelPath} does not exist");
        }

        string sha256;
        long bytes;
        using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        {
            // Streamed: a model of any size is hashed in constant memory.
            sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
            bytes = stream.Length;
        }

        var metricsPath = Path.Combine(Path.GetDirectoryName(fullPath)!, ModelOutput.MetricsFileName);
        var metrics = File.Exists(metricsPath) ? ReadMetrics(metricsPath) : null;

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("sha256", sha256);
            if (metrics is not null)
            {
                json.WriteStartObject("metrics");
                foreach (var (name, value) in metrics)
                {
                    json.WriteNumber(name, value);
                }

                json.WriteEndObject();
            }

            json.WriteString("uri", new Uri(fullPath).AbsoluteUri);
            json.WriteNumber("bytes", bytes);
            json.WriteEndObject();
        }

        var report = buffer.ToArray();
        return report.Length <= TerminationMessage.MaxBytes
            ? report
            : throw new ReportException(string.Create(CultureInfo.InvariantCulture,
                $"the report of {report.Length} bytes does not fit the {TerminationMessage.MaxBytes}-byte termination message: {ModelOutput.MetricsFileName} at {metricsPath} has too many or too long names"));
    }

    // The numbers of one JSON object, in file order; other values are skipped, as the operator skips them.
    private static List<(string Name, double Value)> ReadMetrics(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxMetricsBytes)
        {
            throw new ReportException(string.Create(CultureInfo.InvariantCulture, $"{path} is {length} bytes, more than the {MaxMetricsBytes} allowed"));
        }

        var text = File.ReadAllBytes(path);
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ReportException($"{path} is not a JSON object of metrics");
            }

            var metrics = new List<(string, double)>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name.Length is 0 or > MaxMetricNameLength || property.Value.ValueKind != JsonValueKind.Number
                    || !property.Value.TryGetDouble(out var value) || !double.IsFinite(value) || metrics.Any(m => m.Item1 == property.Name))
                {
                    continue;
                }

                if (metrics.Count == MaxMetrics)
                {
                    break;
                }

                metrics.Add((property.Name, value));
            }

            return metrics;
        }
        catch (JsonException ex)
        {
            throw new ReportException($"{path} is not valid JSON: {ex.Message.Split('.')[0]}");
        }
        catch (DecoderFallbackException)
        {
            throw new ReportException($"{path} is not UTF-8 text");
        }
    }
}
