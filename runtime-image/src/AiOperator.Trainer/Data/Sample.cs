namespace AiOperator.Trainer.Data;

/// <summary>One labelled point: two features and a class, 0 or 1.</summary>
internal readonly record struct Sample(double X0, double X1, int Label);
