using System.Security.Cryptography;
using System.Text.Json;
using AiOperator.Trainer.Checkpoints;

namespace AiOperator.Trainer.Export;

/// <summary>
/// What rank 0 leaves behind: the ONNX file at OUTPUT_PATH, validation.json and metrics.json beside it
/// (each written atomically, metrics last, so metrics.json never describes files that are not there),
/// and the report for the termination message.
/// </summary>
internal static class ModelOutput
{
    public const string MetricsFileName = "metrics.json";
    public const string ValidationFileName = "validation.json";

    public static TerminationReport Write(string outputPath, byte[] model, ModelMetrics metrics, ValidationSet validation)
    {
        var fullPath = Path.GetFullPath(outputPath);
        var directory = Path.GetDirectoryName(fullPath)!;
        AtomicFile.Write(fullPath, model);
        AtomicFile.Write(Path.Combine(directory, ValidationFileName),
            JsonSerializer.SerializeToUtf8Bytes(validation, ReportJsonContext.Default.ValidationSet));
        AtomicFile.Write(Path.Combine(directory, MetricsFileName),
            JsonSerializer.SerializeToUtf8Bytes(metrics, ReportJsonContext.Default.ModelMetrics));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(model));
        return new TerminationReport(sha256, new Uri(fullPath).AbsoluteUri, model.LongLength, metrics);
    }
}
