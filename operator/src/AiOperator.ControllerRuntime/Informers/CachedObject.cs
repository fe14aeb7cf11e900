namespace AiOperator.ControllerRuntime.Informers;

/// <summary>
/// One cache entry: the object as compact UTF-8 JSON plus what its indexes were built from, so
/// removing or replacing it never has to decode it.
/// </summary>
internal sealed record CachedObject(byte[] Json, string[] OwnerUids, (string Key, string Value)[] IndexedLabels);
