namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>The outcome of a write and the object as the API server (or, if unchanged, the cache) has it.</summary>
public sealed record WriteResult<T>(WriteOutcome Outcome, T Object);
