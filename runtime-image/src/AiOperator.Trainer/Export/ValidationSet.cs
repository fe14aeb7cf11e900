namespace AiOperator.Trainer.Export;

/// <summary>
/// validation.json: the held-out samples in the shape the model takes (rows of the "input" tensor) with
/// their labels, so whoever serves the model can check it against the accuracy in metrics.json
/// without knowing how the data was generated.
/// </summary>
internal sealed record ValidationSet(double[][] Input, int[] Labels);
