namespace AiOperator.ControllerRuntime.RateLimiting;

/// <summary>The longest wait of several limiters (client-go's default: per-key backoff and an overall bucket).</summary>
public sealed class MaxOfRateLimiter<TKey>(params IRateLimiter<TKey>[] limiters) : IRateLimiter<TKey>
    where TKey : notnull
{
    public TimeSpan When(TKey key)
    {
        var longest = TimeSpan.Zero;
        foreach (var limiter in limiters)
        {
            var wait = limiter.When(key);
            if (wait > longest)
            {
                longest = wait;
            }
        }

        return longest;
    }

    public void Forget(TKey key)
    {
        foreach (var limiter in limiters)
        {
            limiter.Forget(key);
        }
    }

    public int Failures(TKey key) => limiters.Max(l => l.Failures(key));
}
