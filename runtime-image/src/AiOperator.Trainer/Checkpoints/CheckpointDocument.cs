namespace AiOperator.Trainer.Checkpoints;

/// <summary>The JSON of a checkpoint file and of the state rank 0 hands the gang at the start.</summary>
internal sealed record CheckpointDocument
{
    public const string CurrentFormat = "aiop-trainer/v1";

    public string Format { get; init; } = CurrentFormat;
    public int Seed { get; init; }
    public double LearningRate { get; init; }
    public double WeightDecay { get; init; }
    public int BatchSize { get; init; }
    public long Step { get; init; }
    public double[] Parameters { get; init; } = [];
    public double[] FirstMoment { get; init; } = [];
    public double[] SecondMoment { get; init; } = [];
}
