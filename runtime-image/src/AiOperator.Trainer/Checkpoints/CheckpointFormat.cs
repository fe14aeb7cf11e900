using System.Globalization;
using System.Text.Json;
using AiOperator.Trainer.Network;
using AiOperator.Trainer.Training;

namespace AiOperator.Trainer.Checkpoints;

/// <summary>TrainingState to and from checkpoint JSON, refusing a state made under other hyperparameters.</summary>
internal static class CheckpointFormat
{
    public static byte[] Serialize(TrainingState state, Hyperparameters h) => JsonSerializer.SerializeToUtf8Bytes(new CheckpointDocument
    {
        Seed = h.Seed,
        LearningRate = h.LearningRate,
        WeightDecay = h.WeightDecay,
        BatchSize = Hyperparameters.BatchSize,
        Step = state.Step,
        Parameters = state.Parameters,
        FirstMoment = state.FirstMoment,
        SecondMoment = state.SecondMoment,
    }, CheckpointJsonContext.Default.CheckpointDocument);

    /// <summary><paramref name="source"/> names where the bytes came from, for the error message.</summary>
    public static TrainingState Deserialize(ReadOnlySpan<byte> json, Hyperparameters h, string source)
    {
        CheckpointDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, CheckpointJsonContext.Default.CheckpointDocument);
        }
        catch (JsonException ex)
        {
            throw new CheckpointException($"{source} is not a readable checkpoint: {ex.Message}");
        }

        if (document is null || document.Format != CheckpointDocument.CurrentFormat)
        {
            throw new CheckpointException($"{source} has format '{document?.Format}', expected '{CheckpointDocument.CurrentFormat}'");
        }

        // Resuming under other hyperparameters would silently train something else than either run asked for.
        Same(source, "--seed", document.Seed, h.Seed);
        Same(source, "--learning-rate", document.LearningRate, h.LearningRate);
        Same(source, "--weight-decay", document.WeightDecay, h.WeightDecay);
        Same(source, "batch size", document.BatchSize, Hyperparameters.BatchSize);
        if (document.Step < 0
            || document.Parameters.Length != Mlp.ParameterCount
            || document.FirstMoment.Length != Mlp.ParameterCount
            || document.SecondMoment.Length != Mlp.ParameterCount
            || !document.Parameters.Concat(document.FirstMoment).Concat(document.SecondMoment).All(double.IsFinite))
        {
            throw new CheckpointException($"{source} is malformed: expected step >= 0 and {Mlp.ParameterCount} finite values per array");
        }

        return new TrainingState(document.Step, document.Parameters, document.FirstMoment, document.SecondMoment);
    }

    private static void Same<T>(string source, string what, T saved, T current)
        where T : IEquatable<T>
    {
        if (!saved.Equals(current))
        {
            throw new CheckpointException(string.Create(CultureInfo.InvariantCulture,
                $"{source} was written with {what} {saved}, this run has {current}: use a fresh CHECKPOINT_DIR or the same settings"));
        }
    }
}
