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
    private readonly ConcurrentDictionary<string, DateTimeOffset> _created = new(StringComparer.Ordinal);

    public static string Key(ResourceKind kind, string? ns, string? name) => $"{kind.Group}/{kind.Plural}/{ns}/{name}";

    public void Remember(string key)
    {
        var now = timeProvider.GetUtcNow();
        _created[key] = now + window;

        // Keep the map small without a timer: sweep expired entries now and then.
        if (_created.Count > 256)
        {
            foreach (var (k, v) in _created)
            {
                if (v <= now)
                {
                    _created.TryRemove(k, out _);
                }
            }
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
}
