namespace AiOperator.ModelServer.Hosting;

/// <summary>The model could not be fetched, verified or opened; the message is the reason shown to the operator.</summary>
internal sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
