namespace AiOperator.ControllerRuntime.Client;

/// <summary>Query of one list page.</summary>
public sealed record ListRequest(int? Limit = null, string? Continue = null, string? LabelSelector = null);
