namespace AiOperator.ControllerRuntime.RateLimiting;

/// <summary>Per-key exponential backoff, base·2^failures capped at max; an item is never given up on.</summary>
public sealed class ExponentialBackoff<TKey>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly Lock _lock = new();

    public TimeSpan When(TKey key)
    {
        int failures;
        lock (_lock)
        {
            failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures == int.MaxValue ? failures : failures + 1;
        }

        return Delay(baseDelay, maxDelay, failures);
    }

    public void Forget(TKey key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    public int Failures(TKey key)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    // Computed in doubles and capped before converting, so a long failure streak can never overflow.
    internal static TimeSpan Delay(TimeSpan baseDelay, TimeSpan maxDelay, int failures)
    {
        var ticks = baseDelay.Ticks * Math.Pow(2, Math.Min(failures, 62));
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
