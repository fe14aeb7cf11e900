namespace AiOperator.ControllerRuntime.Informers;

/// <summary>Why a handler is called; controllers enqueue the key whatever the type (level-triggered).</summary>
public enum InformerEventType
{
    Added,
    Modified,
    Deleted,
    Resync,
}
