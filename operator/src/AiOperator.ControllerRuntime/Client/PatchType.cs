namespace AiOperator.ControllerRuntime.Client;

/// <summary>The patch content types the API server accepts.</summary>
public enum PatchType
{
    Merge,
    Json,
    StrategicMerge,
    Apply,
}
