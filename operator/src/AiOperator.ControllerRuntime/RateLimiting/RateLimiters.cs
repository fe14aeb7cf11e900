namespace AiOperator.ControllerRuntime.RateLimiting;

/// <summary>Ready-made limiters with client-go's defaults.</summary>
public static class RateLimiters
{
    public static readonly TimeSpan BackoffBase = TimeSpan.FromMilliseconds(5);

    public static readonly TimeSpan BackoffCap = TimeSpan.FromSeconds(1000);

    /// <summary>DefaultControllerRateLimiter: per key 5 ms → 1000 s, and 10 qps / burst 100 overall.</summary>
    public static IRateLimiter<TKey> DefaultController<TKey>(TimeProvider timeProvider)
        where TKey : notnull =>
        new MaxOfRateLimiter<TKey>(
            new ExponentialBackoff<TKey>(BackoffBase, BackoffCap),
            new BucketRateLimiter<TKey>(new TokenBucket(10, 100, timeProvider)));
}
