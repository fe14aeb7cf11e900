namespace AiOperator.ControllerRuntime.Informers;

/// <summary>A change seen by an informer: the object now (or last known, for deletes) and the one before.</summary>
public sealed record InformerEvent<T>(InformerEventType Type, T Object, T? Previous);
