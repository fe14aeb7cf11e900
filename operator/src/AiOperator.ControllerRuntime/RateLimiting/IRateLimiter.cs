namespace AiOperator.ControllerRuntime.RateLimiting;

/// <summary>How long an item waits before its next retry (client-go's workqueue.RateLimiter).</summary>
public interface IRateLimiter<in TKey>
{
    TimeSpan When(TKey key);

    void Forget(TKey key);

    int Failures(TKey key);
}
