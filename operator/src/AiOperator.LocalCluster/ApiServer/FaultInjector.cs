namespace AiOperator.LocalCluster.ApiServer;

/// <summary>In-process fault injection for tests: error rates, latency, dropped watches, forced compaction.</summary>
public sealed class FaultInjector : IDisposable
{
    private readonly object _gate = new();
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly Action _dropWatches;
    private readonly Action _compact;
    private List<FaultRule> _rules = [];
    private ITimer? _dropTimer;

    internal FaultInjector(TimeProvider time, int? seed, Action dropWatches, Action compact)
    {
        _time = time;
        _random = seed is { } s ? new Random(s) : new Random();
        _dropWatches = dropWatches;
        _compact = compact;
    }

    /// <summary>Number of requests failed by an injected error so far.</summary>
    public long InjectedErrors => Interlocked.Read(ref _injected);

    private long _injected;

    /// <summary>Fails matching requests at the given rate with the given status code (e.g. 500, or 429 with Retry-After).</summary>
    public FaultRule AddErrors(double rate, int statusCode, string? verb = null, string? resource = null, int? retryAfterSeconds = null)
    {
        if (rate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "rate must be within [0, 1]");
        }

        if (statusCode is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "statusCode must be an HTTP error code");
        }

        return Add(new FaultRule { Rate = rate, StatusCode = statusCode, Verb = verb, Resource = resource, RetryAfterSeconds = retryAfterSeconds });
    }

    /// <summary>Delays matching requests before they are handled (a request abandoned meanwhile is never applied).</summary>
    public FaultRule AddLatency(TimeSpan latency, string? verb = null, string? resource = null, string? userAgent = null) =>
        Add(new FaultRule { Latency = latency, Rate = 0, Verb = verb, Resource = resource, UserAgent = userAgent });

    /// <summary>Removes one rule added earlier.</summary>
    public void Remove(FaultRule rule)
    {
        lock (_gate)
        {
            _rules = _rules.Where(r => !ReferenceEquals(r, rule)).ToList();
        }
    }

    /// <summary>Removes every rule and stops periodic watch drops.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules = [];
            _dropTimer?.Dispose();
            _dropTimer = null;
        }
    }

    /// <summary>Closes every open watch now; clients see the stream end and must re-watch.</summary>
    public void DropWatchesNow() => _dropWatches();

    /// <summary>Closes every open watch each interval; null stops it.</summary>
    public void DropWatchesEvery(TimeSpan? interval)
    {
        lock (_gate)
        {
            _dropTimer?.Dispose();
            _dropTimer = interval is { } every ? _time.CreateTimer(_ => _dropWatches(), null, every, every) : null;
        }
    }

    /// <summary>Makes every resourceVersion up to now too old: watches and continue tokens from before get 410 Gone.</summary>
    public void ForceCompaction() => _compact();

    public void Dispose() => Clear();

    internal (TimeSpan Delay, FaultRule? Error) Decide(string verb, string resource, string userAgent = "")
    {
        var rules = _rules;
        if (rules.Count == 0)
        {
            return (TimeSpan.Zero, null);
        }

        var delay = TimeSpan.Zero;
        FaultRule? error = null;
        foreach (var rule in rules)
        {
            if (!rule.Matches(verb, resource, userAgent))
            {
                continue;
            }

            if (rule.Latency > delay)
            {
                delay = rule.Latency;
            }

            if (error is null && rule.Rate > 0)
            {
                double roll;
                lock (_gate)
                {
                    roll = _random.NextDouble();
                }

                if (roll < rule.Rate)
                {
                    error = rule;
                    Interlocked.Increment(ref _injected);
                }
            }
        }

        return (delay, error);
    }

    private FaultRule Add(FaultRule rule)
    {
        lock (_gate)
        {
            _rules = [.. _rules, rule];
        }

        return rule;
    }
}
