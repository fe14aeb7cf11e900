using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Informers;

/// <summary>
/// Pure diff of the cached objects against a fresh list: objects missing from the list were deleted
/// while the watch was down and get synthetic delete events, which watch-only code would never see.
/// </summary>
public static class RelistDiff
{
    public static RelistChanges<T> Compute<T>(IEnumerable<T> cached, IEnumerable<T> listed)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(cached);
        ArgumentNullException.ThrowIfNull(listed);
        var old = cached.ToDictionary(ObjectKey.Of);
        var added = new List<T>();
        var updated = new List<(T, T)>();
        var unchanged = 0;
        var seen = new HashSet<ObjectKey>();
        foreach (var item in listed)
        {
            var key = ObjectKey.Of(item);
            if (!seen.Add(key))
            {
                continue;
            }

            if (!old.TryGetValue(key, out var previous))
            {
                added.Add(item);
            }
            else if (previous.Metadata.ResourceVersion != item.Metadata.ResourceVersion || previous.Metadata.Uid != item.Metadata.Uid)
            {
                updated.Add((previous, item));
            }
            else
            {
                unchanged++;
            }
        }

        var deleted = old.Where(p => !seen.Contains(p.Key)).Select(p => p.Value).ToList();
        return new RelistChanges<T>(added, updated, deleted, unchanged);
    }
}
