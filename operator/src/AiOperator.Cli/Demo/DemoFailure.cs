namespace AiOperator.Cli.Demo;

/// <summary>A stage's check did not hold; the message says which and what was seen.</summary>
internal sealed class DemoFailure(string message) : Exception(message);
