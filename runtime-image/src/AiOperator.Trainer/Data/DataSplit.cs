namespace AiOperator.Trainer.Data;

/// <summary>The generated data set divided once, the same way on every rank.</summary>
internal sealed record DataSplit(IReadOnlyList<Sample> Train, IReadOnlyList<Sample> Validation);
