namespace AiOperator.ControllerRuntime.Informers;

/// <summary>
/// A change seen by an informer: the object now (or last known, for deletes) and the one before.
/// The informer's cache keeps objects as JSON, so the one before is decoded when a handler first reads
/// <see cref="Previous"/>: most handlers never do, and a watch of thousands of pods decoded every old copy.
/// </summary>
public sealed class InformerEvent<T>
    where T : class
{
    private readonly T? _previous;
    private readonly Lazy<T?>? _decodePrevious;

    public InformerEvent(InformerEventType type, T @object, T? previous)
    {
        Type = type;
        Object = @object;
        _previous = previous;
        OwnersMayHaveChanged = previous is not null;
    }

    internal InformerEvent(InformerEventType type, T @object, Func<T> decodePrevious, bool ownersMayHaveChanged)
    {
        Type = type;
        Object = @object;
        _decodePrevious = new Lazy<T?>(decodePrevious);
        OwnersMayHaveChanged = ownersMayHaveChanged;
    }

    public InformerEventType Type { get; }

    public T Object { get; }

    public T? Previous => _decodePrevious is null ? _previous : _decodePrevious.Value;

    /// <summary>False when there is no previous object or it had the same owner uids, so an owner handler
    /// need not decode it to look for an owner the object left.</summary>
    public bool OwnersMayHaveChanged { get; }
}
