namespace AiOperator.ControllerRuntime.Client;

/// <summary>One page of a list: items stamped with kind/apiVersion, the list's resourceVersion and continue token.</summary>
public sealed record KubeList<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue);
