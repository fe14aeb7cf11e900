namespace AiOperator.Trainer.Configuration;

/// <summary>A flag or environment variable had a value the trainer cannot start with.</summary>
internal sealed class OptionsException(string message) : Exception(message);
