using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.RateLimiting;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>Concurrency, retry limiter, shutdown grace and event filtering of one controller.</summary>
public sealed record ControllerOptions
{
    /// <summary>Workers reconciling different keys in parallel; one key never runs twice at once.</summary>
    public int MaxConcurrentReconciles { get; init; } = 2;

    /// <summary>How long in-flight reconciles may finish after work stops before they are cancelled.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Null: client-go's default (5 ms → 1000 s per key, 10 qps / burst 100 overall).</summary>
    public IRateLimiter<ObjectKey>? RateLimiter { get; init; }

    /// <summary>
    /// Status writes of this process (the host's <see cref="StatusWriter"/> records them): an update of the
    /// primary that changed nothing but its status, to exactly what this process wrote, is not reconciled again.
    /// Status changes made by anyone else still are. Null: every update is reconciled.
    /// </summary>
    public StatusEchoes? OwnStatusWrites { get; init; }
}
