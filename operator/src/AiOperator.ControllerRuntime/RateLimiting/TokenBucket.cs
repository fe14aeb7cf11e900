namespace AiOperator.ControllerRuntime.RateLimiting;

/// <summary>A token bucket (rate per second, burst) on a TimeProvider; reservations queue up like Go's rate.Limiter.</summary>
public sealed class TokenBucket
{
    private readonly double _ratePerSecond;
    private readonly double _burst;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _lastTicks;

    public TokenBucket(double ratePerSecond, int burst, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _ratePerSecond = ratePerSecond;
        _burst = burst;
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _tokens = burst;
        _lastTicks = timeProvider.GetUtcNow().UtcTicks;
    }

    /// <summary>Takes a token now or in the future (tokens may go negative) and says how long to wait for it.</summary>
    public TimeSpan Reserve()
    {
        lock (_lock)
        {
            Refill();
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _ratePerSecond);
        }
    }

    /// <summary>Takes a token only if one is available right now.</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            Refill();
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        var delay = Reserve();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _timeProvider, cancellationToken);
        }
    }

    private void Refill()
    {
        var now = _timeProvider.GetUtcNow().UtcTicks;
        var elapsed = TimeSpan.FromTicks(Math.Max(0, now - _lastTicks)).TotalSeconds;
        _lastTicks = Math.Max(now, _lastTicks);
        _tokens = Math.Min(_burst, _tokens + (elapsed * _ratePerSecond));
    }
}
