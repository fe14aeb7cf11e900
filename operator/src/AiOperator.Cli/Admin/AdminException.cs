namespace AiOperator.Cli.Admin;

/// <summary>A refusal the user can act on; printed as "error: …" with exit code 1, no stack trace.</summary>
internal sealed class AdminException(string message) : Exception(message);
