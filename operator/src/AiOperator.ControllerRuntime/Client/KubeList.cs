namespace AiOperator.ControllerRuntime.Client;

/// <summary>
/// One page of a list: items stamped with kind/apiVersion, the list's resourceVersion and continue token,
/// and the objects of the page that could not be decoded (identity and failing field only).
/// </summary>
public sealed record KubeList<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue, IReadOnlyList<UndecodableObject>? Undecodable = null);
