namespace AiOperator.Trainer.Export;

/// <summary>Rank 0's termination message: what the operator reads from pod status instead of mounting the output claim.</summary>
internal sealed record TerminationReport(string Sha256, string Uri, long Bytes, ModelMetrics Metrics);
