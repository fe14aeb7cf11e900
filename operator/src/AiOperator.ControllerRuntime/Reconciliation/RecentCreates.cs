using System.Collections.Concurrent;
using AiOperator.ControllerRuntime.Client;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>
/// Objects this process created whose watch event may not have reached the informer cache yet, so a
/// reconcile that runs in between does not create them again (and collect a 409). Entries expire.
/// </summary>
internal sealed class RecentCreates(TimeProvider timeProvider, TimeSpan window)
{
    private readonly ConcurrentDictionary<string, (object Object, DateTimeOffset Expires)> _created = new(StringComparer.Ordinal);

    public static string Key(ResourceKind kind, string? ns, string? name) => $"{kind.Group}/{kind.Plural}/{ns}/{name}";

    public void Remember(string key, object created)
    {
        var now = timeProvider.GetUtcNow();
        _created[key] = (created, now + window);

        // Keep the map small without a timer: sweep expired entries now and then.
        if (_created.Count > 256)
        {
            foreach (var (k, v) in _created)
            {
                if (v.Expires <= now)
                {
                    _created.TryRemove(k, out _);
                }
            }
        }
    }

    public T? Get<T>(string key)
        where T : class
    {
        if (!_created.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Expires <= timeProvider.GetUtcNow())
        {
            _created.TryRemove(key, out _);
            return null;
        }

        return entry.Object as T;
    }

    public void Forget(string key) => _created.TryRemove(key, out _);
}
