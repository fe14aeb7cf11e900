namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>What to do with the key after a reconcile: forget it, retry with backoff, or look again after a delay.</summary>
public sealed record ReconcileResult
{
    private ReconcileResult(bool requeue, TimeSpan? requeueAfter)
    {
        Requeue = requeue;
        RequeueAfter = requeueAfter;
    }

    public static ReconcileResult Done { get; } = new(false, null);

    /// <summary>Retry through the rate limiter (per-key backoff), as for an error, but not counted as one.</summary>
    public static ReconcileResult RequeueWithBackoff { get; } = new(true, null);

    public bool Requeue { get; }

    public TimeSpan? RequeueAfter { get; }

    public static ReconcileResult After(TimeSpan delay) =>
        delay > TimeSpan.Zero ? new ReconcileResult(false, delay) : throw new ArgumentOutOfRangeException(nameof(delay), "requeue delay must be positive");
}
