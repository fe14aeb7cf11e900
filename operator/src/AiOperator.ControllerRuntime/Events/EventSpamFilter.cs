using AiOperator.ControllerRuntime.RateLimiting;

namespace AiOperator.ControllerRuntime.Events;

/// <summary>
/// Event budget per key (client-go's spam filter: burst 25, one more every 5 minutes), so a reconcile loop
/// with ever-changing messages cannot flood the API server. The recorder keys it by object and reason.
/// Bounded in keys.
/// </summary>
public sealed class EventSpamFilter(TimeProvider timeProvider, int burst = 25, double refillPerSecond = 1.0 / 300, int capacity = 4096)
{
    private readonly Dictionary<string, (TokenBucket Bucket, DateTimeOffset LastUsed)> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>True when the object still has budget for another event.</summary>
    public bool Allow(string objectKey)
    {
        ArgumentNullException.ThrowIfNull(objectKey);
        lock (_lock)
        {
            var now = timeProvider.GetUtcNow();
            if (!_buckets.TryGetValue(objectKey, out var entry))
            {
                if (_buckets.Count >= capacity)
                {
                    _buckets.Remove(_buckets.MinBy(p => p.Value.LastUsed).Key);
                }

                entry = (new TokenBucket(refillPerSecond, burst, timeProvider), now);
            }

            _buckets[objectKey] = (entry.Bucket, now);
            return entry.Bucket.TryTake();
        }
    }
}
