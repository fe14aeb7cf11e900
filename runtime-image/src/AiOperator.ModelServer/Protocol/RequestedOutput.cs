namespace AiOperator.ModelServer.Protocol;

/// <summary>An output the client asked for, and whether it wants it in the binary section.</summary>
internal sealed record RequestedOutput(string Name, bool Binary);
