using System.Text.Json;
using System.Text.RegularExpressions;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>
/// What rank 0 reports in its termination message: <c>{"sha256":"…","metrics":{"accuracy":0.93}}</c>
/// (at most 4 KiB, the kubelet's limit). Parsed defensively: it is user output.
/// </summary>
internal sealed partial record TrainerReport(string? Sha256, IReadOnlyDictionary<string, double>? Metrics)
{
    public const int MaxBytes = 4096;
    public const int MaxMetrics = 64;
    public const int MaxMetricNameLength = 128;

    /// <summary>The report, or null with the reason it is unusable (never the message itself: it may hold log lines).</summary>
    public static TrainerReport? Parse(string? message, out string problem, string source = "rank 0")
    {
        problem = "";
        if (string.IsNullOrWhiteSpace(message))
        {
            problem = $"{source} left no termination message";
            return null;
        }

        if (message.Length > MaxBytes)
        {
            problem = $"{source}'s termination message is larger than {MaxBytes} bytes";
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = 4 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = $"{source}'s termination message is not a JSON object";
                return null;
            }

            string? sha = null;
            if (document.RootElement.TryGetProperty("sha256", out var shaElement))
            {
                sha = shaElement.ValueKind == JsonValueKind.String ? shaElement.GetString() : null;
                if (sha is null || !Sha256Pattern().IsMatch(sha))
                {
                    problem = $"{source} reported a sha256 that is not 64 hex digits";
                    return null;
                }

                sha = sha.ToLowerInvariant();
            }

            Dictionary<string, double>? metrics = null;
            if (document.RootElement.TryGetProperty("metrics", out var metricsElement))
            {
                if (metricsElement.ValueKind != JsonValueKind.Object)
                {
                    problem = $"{source} reported metrics that are not a JSON object";
                    return null;
                }

                metrics = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var metric in metricsElement.EnumerateObject())
                {
                    // Only finite numbers: they land in status and gate decisions.
                    if (metric.Name.Length is 0 or > MaxMetricNameLength || metric.Value.ValueKind != JsonValueKind.Number
                        || !metric.Value.TryGetDouble(out var value) || !double.IsFinite(value))
                    {
                        continue;
                    }

                    if (metrics.Count == MaxMetrics)
                    {
                        break;
                    }

                    metrics[metric.Name] = value;
                }
            }

            if (sha is null && metrics is null)
            {
                problem = $"{source}'s termination message has neither sha256 nor metrics";
                return null;
            }

            return new TrainerReport(sha, metrics);
        }
        catch (JsonException)
        {
            problem = $"{source}'s termination message is not the JSON report";
            return null;
        }
    }

    /// <summary>The report kept in status.outputModel by an earlier reconcile.</summary>
    public static TrainerReport Of(AiOperator.Api.V1Alpha1.OutputModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new TrainerReport(model.Sha256, model.Metrics is { } metrics ? new Dictionary<string, double>(metrics, StringComparer.Ordinal) : null);
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();
}
