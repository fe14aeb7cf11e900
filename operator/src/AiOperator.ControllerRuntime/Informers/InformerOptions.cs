namespace AiOperator.ControllerRuntime.Informers;

/// <summary>
/// Scope, paging, watch timing, watchdog, reconnect rate and resync of one informer. Equal options
/// (lists compared by content, <see cref="Transform"/> by reference) share one informer on a host;
/// a new property must join <see cref="Equals(InformerOptions?)"/> (a test checks every property does).
/// </summary>
public sealed record InformerOptions
{
    /// <summary>Namespaces to watch; null or empty watches all namespaces with one list/watch.</summary>
    public IReadOnlyList<string>? Namespaces { get; init; }

    public string? LabelSelector { get; init; }

    public int PageSize { get; init; } = 500;

    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan MaxWatchTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A watch with no event or bookmark for this long is presumed dead and restarted.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(11);

    /// <summary>Every cached key is handed to handlers again at this period (0 disables).</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Reconnects (watch or list) per second after the burst is spent.</summary>
    public double ReconnectRate { get; init; } = 0.5;

    public int ReconnectBurst { get; init; } = 3;

    /// <summary>Label keys the cache indexes for <see cref="IResourceCache{T}.ListByLabel"/>.</summary>
    public IReadOnlyList<string> IndexedLabels { get; init; } = [];

    /// <summary>Trims each object before it is cached (client-go's TransformFunc), e.g. dropping a pod's spec when only its status is read.</summary>
    public Func<object, object>? Transform { get; init; }

    public bool Equals(InformerOptions? other) =>
        other is not null
        && SameItems(Namespaces, other.Namespaces)
        && LabelSelector == other.LabelSelector
        && PageSize == other.PageSize
        && MinWatchTimeout == other.MinWatchTimeout
        && MaxWatchTimeout == other.MaxWatchTimeout
        && IdleTimeout == other.IdleTimeout
        && ResyncPeriod == other.ResyncPeriod
        && ReconnectRate.Equals(other.ReconnectRate)
        && ReconnectBurst == other.ReconnectBurst
        && SameItems(IndexedLabels, other.IndexedLabels)
        && ReferenceEquals(Transform, other.Transform);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var ns in Namespaces ?? [])
        {
            hash.Add(ns, StringComparer.Ordinal);
        }

        hash.Add(LabelSelector, StringComparer.Ordinal);
        hash.Add(PageSize);
        hash.Add(ResyncPeriod);
        foreach (var label in IndexedLabels)
        {
            hash.Add(label, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    // Null and empty both mean "all namespaces" / "no index".
    private static bool SameItems(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        (a ?? []).SequenceEqual(b ?? [], StringComparer.Ordinal);
}
