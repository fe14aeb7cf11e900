using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.RateLimiting;

namespace AiOperator.ControllerRuntime.Queues;

/// <summary>
/// client-go's rate-limited work queue: an item queued many times is handed out once (dirty set),
/// never to two workers at once (processing set: re-adds while processing wait for Done), delayed
/// adds wait on the TimeProvider, and failures back off through the rate limiter without ever being dropped.
/// </summary>
public sealed class WorkQueue<T> : IDisposable
    where T : notnull
{
    private readonly Lock _lock = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly HashSet<T> _processing = [];
    private readonly Dictionary<T, DateTimeOffset> _addedAt = [];
    private readonly Dictionary<T, DateTimeOffset> _startedAt = [];
    private readonly Dictionary<T, DateTimeOffset> _waiting = [];
    private readonly PriorityQueue<T, DateTimeOffset> _waitingOrder = new();
    private readonly IRateLimiter<T> _rateLimiter;
    private readonly TimeProvider _timeProvider;
    private readonly ControllerMetrics? _metrics;
    private readonly ITimer _timer;
    private TaskCompletionSource? _available;
    private DateTimeOffset? _timerDue;
    private bool _shuttingDown;

    public WorkQueue(string name, IRateLimiter<T> rateLimiter, TimeProvider timeProvider, ControllerMetrics? metrics = null)
    {
        Name = name;
        _rateLimiter = rateLimiter ?? throw new ArgumentNullException(nameof(rateLimiter));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _metrics = metrics;
        _timer = timeProvider.CreateTimer(_ => PromoteReady(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Name { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Items waiting for a delay to pass (requeue-after, backoff).</summary>
    public int WaitingCount
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (_lock)
            {
                return _shuttingDown;
            }
        }
    }

    public void Add(T item)
    {
        lock (_lock)
        {
            AddLocked(item);
        }
    }

    public void AddAfter(T item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }

        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            var due = _timeProvider.GetUtcNow() + delay;

            // An item already waiting keeps the earlier of its two due times.
            if (_waiting.TryGetValue(item, out var existing) && existing <= due)
            {
                return;
            }

            _waiting[item] = due;
            _waitingOrder.Enqueue(item, due);
            ArmTimerLocked();
        }
    }

    public void AddRateLimited(T item)
    {
        _metrics?.QueueRetries.Inc(Name);
        AddAfter(item, _rateLimiter.When(item));
    }

    /// <summary>Clears the item's failure count after a success, so its next failure starts at the base delay.</summary>
    public void Forget(T item) => _rateLimiter.Forget(item);

    public int Failures(T item) => _rateLimiter.Failures(item);

    /// <summary>Next item to work on, or default with ok=false once the queue shuts down.</summary>
    public async Task<(bool Ok, T Item)> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task wait;
            lock (_lock)
            {
                if (_shuttingDown)
                {
                    return (false, default!);
                }

                if (_queue.Count > 0)
                {
                    var item = _queue.Dequeue();
                    _dirty.Remove(item);
                    _processing.Add(item);
                    var now = _timeProvider.GetUtcNow();
                    if (_addedAt.Remove(item, out var added))
                    {
                        _metrics?.QueueLatency.Observe((now - added).TotalSeconds, Name);
                    }

                    _startedAt[item] = now;
                    _metrics?.QueueDepth.Set(_queue.Count, Name);
                    return (true, item);
                }

                _available ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _available.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Marks the item finished; if it was added again meanwhile, it goes back in line now.</summary>
    public void Done(T item)
    {
        lock (_lock)
        {
            _processing.Remove(item);
            if (_startedAt.Remove(item, out var started))
            {
                _metrics?.WorkDuration.Observe((_timeProvider.GetUtcNow() - started).TotalSeconds, Name);
            }

            if (_dirty.Contains(item) && !_shuttingDown)
            {
                _queue.Enqueue(item);
                _metrics?.QueueDepth.Set(_queue.Count, Name);
                SignalLocked();
            }
        }
    }

    public bool IsProcessing(T item)
    {
        lock (_lock)
        {
            return _processing.Contains(item);
        }
    }

    /// <summary>Stops handing out work: waiting GetAsync calls return ok=false; in-flight items may still call Done.</summary>
    public void ShutDown()
    {
        lock (_lock)
        {
            _shuttingDown = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            SignalLocked();
        }
    }

    public void Dispose()
    {
        ShutDown();
        _timer.Dispose();
    }

    private void AddLocked(T item)
    {
        if (_shuttingDown || !_dirty.Add(item))
        {
            return;
        }

        _metrics?.QueueAdds.Inc(Name);
        _addedAt.TryAdd(item, _timeProvider.GetUtcNow());

        // A worker holds it: Done() puts it back, so the same key never runs twice at once.
        if (_processing.Contains(item))
        {
            return;
        }

        _queue.Enqueue(item);
        _metrics?.QueueDepth.Set(_queue.Count, Name);
        SignalLocked();
    }

    private void SignalLocked()
    {
        _available?.TrySetResult();
        _available = null;
    }

    private void PromoteReady()
    {
        lock (_lock)
        {
            _timerDue = null;
            var now = _timeProvider.GetUtcNow();
            while (_waitingOrder.TryPeek(out var item, out var due) && due <= now)
            {
                _waitingOrder.Dequeue();

                // Stale heap entries (superseded by an earlier due time) are skipped.
                if (_waiting.TryGetValue(item, out var current) && current == due)
                {
                    _waiting.Remove(item);
                    AddLocked(item);
                }
            }

            ArmTimerLocked();
        }
    }

    private void ArmTimerLocked()
    {
        if (_shuttingDown)
        {
            return;
        }

        while (_waitingOrder.TryPeek(out var item, out var due))
        {
            if (_waiting.TryGetValue(item, out var current) && current == due)
            {
                if (_timerDue != due)
                {
                    _timerDue = due;
                    var delay = due - _timeProvider.GetUtcNow();
                    _timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }

                return;
            }

            _waitingOrder.Dequeue();
        }
    }
}
