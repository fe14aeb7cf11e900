namespace AiOperator.Trainer.Export;

/// <summary>metrics.json: validation accuracy and mean cross-entropy, and how long the run trained.</summary>
internal sealed record ModelMetrics(double Accuracy, double Loss, int Epochs, long Steps);
