namespace AiOperator.ControllerRuntime.Client;

/// <summary>Query of one watch connection: always with bookmarks and a server-side timeout.</summary>
public sealed record WatchRequest(string ResourceVersion, int TimeoutSeconds, string? LabelSelector = null);
