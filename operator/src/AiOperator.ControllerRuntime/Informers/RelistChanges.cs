namespace AiOperator.ControllerRuntime.Informers;

/// <summary>What a fresh list means against the cache: new, changed, vanished (synthetic deletes), unchanged.</summary>
public sealed record RelistChanges<T>(IReadOnlyList<T> Added, IReadOnlyList<(T Old, T New)> Updated, IReadOnlyList<T> Deleted, int Unchanged);
