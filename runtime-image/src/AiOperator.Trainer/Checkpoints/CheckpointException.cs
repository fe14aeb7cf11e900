namespace AiOperator.Trainer.Checkpoints;

/// <summary>A checkpoint exists but cannot be resumed (corrupt, another format, other hyperparameters).</summary>
internal sealed class CheckpointException(string message) : Exception(message);
