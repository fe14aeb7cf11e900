namespace AiOperator.ControllerRuntime.RateLimiting;

/// <summary>An overall limit shared by every key: each retry reserves a token from one bucket.</summary>
public sealed class BucketRateLimiter<TKey>(TokenBucket bucket) : IRateLimiter<TKey>
{
    public TimeSpan When(TKey key) => bucket.Reserve();

    public void Forget(TKey key)
    {
    }

    public int Failures(TKey key) => 0;
}
