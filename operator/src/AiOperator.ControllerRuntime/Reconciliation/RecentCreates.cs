using System.Collections.Concurrent;
using AiOperator.ControllerRuntime.Client;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>
/// Names of objects this process created whose watch event may not have reached the informer cache
/// yet, so a reconcile that runs in between does not create them again (and collect a 409). Only the
/// name and expiry are kept (not the object): the cache holds objects once. Entries expire.
/// </summary>
internal sealed class RecentCreates(TimeProvider timeProvider, TimeSpan window)
{
    private const int MinSweep = 256;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _created = new(StringComparer.Ordinal);
    private int _sweepAbove = MinSweep;

    public static string Key(ResourceKind kind, string? ns, string? name) => $"{kind.Group}/{kind.Plural}/{ns}/{name}";

    public void Remember(string key)
    {
        var now = timeProvider.GetUtcNow();
        _created[key] = now + window;

        // Keep the map small without a timer: sweep expired entries once it has doubled since the last
        // sweep. A fixed threshold swept the whole map on every create once a burst of thousands of
        // creates fell inside one window.
        if (_created.Count > Volatile.Read(ref _sweepAbove))
        {
            foreach (var (k, v) in _created)
            {
                if (v <= now)
                {
                    _created.TryRemove(k, out _);
                }
            }

            Volatile.Write(ref _sweepAbove, Math.Max(MinSweep, 2 * _created.Count));
        }
    }

    public bool Contains(string key)
    {
        if (!_created.TryGetValue(key, out var expires))
        {
            return false;
        }

        if (expires <= timeProvider.GetUtcNow())
        {
            _created.TryRemove(key, out _);
            return false;
        }

        return true;
    }

    public void Forget(string key) => _created.TryRemove(key, out _);

    internal int Count => _created.Count;
}
