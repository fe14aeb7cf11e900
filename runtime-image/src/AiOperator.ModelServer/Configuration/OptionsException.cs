namespace AiOperator.ModelServer.Configuration;

/// <summary>A flag or environment variable had a value the server cannot start with.</summary>
internal sealed class OptionsException(string message) : Exception(message);
