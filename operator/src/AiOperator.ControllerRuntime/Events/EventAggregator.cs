namespace AiOperator.ControllerRuntime.Events;

/// <summary>
/// Decides, given the clock, whether an event repeats one seen within the window (then its count goes
/// up on the same Event object) or is new. Bounded: the least recently seen keys are forgotten first.
/// </summary>
public sealed class EventAggregator(int capacity, TimeSpan window)
{
    private readonly Dictionary<EventKey, EventAction> _seen = [];
    private readonly Lock _lock = new();
    private long _sequence;

    public int Tracked
    {
        get
        {
            lock (_lock)
            {
                return _seen.Count;
            }
        }
    }

    public EventAction Observe(EventKey key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            EventAction action;
            if (_seen.TryGetValue(key, out var last) && now - last.LastSeen <= window)
            {
                action = last with { Create = false, Count = last.Count + 1, LastSeen = now };
            }
            else
            {
                // client-go names events <object>.<unique suffix>; the sequence keeps names unique within one tick.
                var name = $"{key.ObjectName}.{now.UtcTicks:x}{Interlocked.Increment(ref _sequence):x}";
                action = new EventAction(true, name, 1, now, now);
            }

            _seen[key] = action;
            if (_seen.Count > capacity)
            {
                var oldest = _seen.MinBy(p => p.Value.LastSeen).Key;
                _seen.Remove(oldest);
            }

            return action;
        }
    }

    /// <summary>Forgets a key whose Event object turned out to be gone, so the next repeat creates a new one.</summary>
    public void Forget(EventKey key)
    {
        lock (_lock)
        {
            _seen.Remove(key);
        }
    }
}
