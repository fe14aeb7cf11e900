using System.Security.Cryptography;
using System.Text.Json;
using AiOperator.Trainer.Checkpoints;

namespace AiOperator.Trainer.Export;

/// <summary>
/// What rank 0 leaves behind: the ONNX file at OUTPUT_PATH and metrics.json beside it (each written
/// atomically, model first, so metrics.json never describes a model that is not there), and the report
/// for the termination message.
/// </summary>
internal static class ModelOutput
{
    public const string MetricsFileName = "metrics.json";

    public static TerminationReport Write(string outputPath, byte[] model, ModelMetrics metrics)
    {
        var fullPath = Path.GetFullPath(outputPath);
        AtomicFile.Write(fullPath, model);
        AtomicFile.Write(Path.Combine(Path.GetDirectoryName(fullPath)!, MetricsFileName),
            JsonSerializer.SerializeToUtf8Bytes(metrics, ReportJsonContext.Default.ModelMetrics));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(model));
        return new TerminationReport(sha256, new Uri(fullPath).AbsoluteUri, model.LongLength, metrics);
    }
}
