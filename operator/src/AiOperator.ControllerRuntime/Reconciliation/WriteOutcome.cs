namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>What a write did; Unchanged means no API call was made.</summary>
public enum WriteOutcome
{
    Unchanged,
    Created,
    Patched,
    Deleted,
}
