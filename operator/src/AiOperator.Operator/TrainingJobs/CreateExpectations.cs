using System.Collections.Concurrent;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>
/// Worker pods this operator created that its cache has not shown yet (client-go's "expectations"): without
/// it a reconcile running before the watch event lands would take a just-created pod for a deleted one.
/// Likewise a create the API server refused, so that its missing pod is not taken for a deleted one either.
/// In memory only: after a restart the cache is freshly listed, so a missing pod really is missing (a refusal
/// is acted on by the reconcile right after it, which writes it into status).
/// </summary>
internal sealed class CreateExpectations(TimeProvider timeProvider)
{
    // Informers see a create within milliseconds; past this a pod still unseen is treated as gone.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _byJob = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, GangCreateRefusal> _refused = new(StringComparer.Ordinal);

    public void Created(string jobUid, int gang, int rank)
    {
        var now = timeProvider.GetUtcNow();
        _byJob.AddOrUpdate(jobUid,
            _ => new Entry(gang, new Dictionary<int, DateTimeOffset> { [rank] = now }),
            (_, existing) =>
            {
                lock (existing.Ranks)
                {
                    if (existing.Gang == gang)
                    {
                        existing.Ranks[rank] = now;
                        return existing;
                    }
                }

                return new Entry(gang, new Dictionary<int, DateTimeOffset> { [rank] = now });
            });
    }

    /// <summary>Ranks of this gang created recently and not among those observed; forgets the rest.</summary>
    public IReadOnlySet<int> InFlight(string jobUid, int gang, IEnumerable<int> observedRanks)
    {
        if (!_byJob.TryGetValue(jobUid, out var entry))
        {
            return new HashSet<int>();
        }

        if (entry.Gang != gang)
        {
            _byJob.TryRemove(new KeyValuePair<string, Entry>(jobUid, entry));
            return new HashSet<int>();
        }

        var now = timeProvider.GetUtcNow();
        lock (entry.Ranks)
        {
            foreach (var rank in observedRanks)
            {
                entry.Ranks.Remove(rank);
            }

            foreach (var stale in entry.Ranks.Where(r => now - r.Value > Window).Select(r => r.Key).ToList())
            {
                entry.Ranks.Remove(stale);
            }

            if (entry.Ranks.Count == 0)
            {
                _byJob.TryRemove(new KeyValuePair<string, Entry>(jobUid, entry));
            }

            return entry.Ranks.Keys.ToHashSet();
        }
    }

    public void Refused(string jobUid, GangCreateRefusal refusal) => _refused[jobUid] = refusal;

    /// <summary>The refused create of this gang, if there was one; one of an earlier gang is forgotten.</summary>
    public GangCreateRefusal? RefusalOf(string jobUid, int gang)
    {
        if (!_refused.TryGetValue(jobUid, out var refusal))
        {
            return null;
        }

        if (refusal.Gang < gang)
        {
            _refused.TryRemove(new KeyValuePair<string, GangCreateRefusal>(jobUid, refusal));
        }

        return refusal.Gang == gang ? refusal : null;
    }

    public void Forget(string jobUid)
    {
        _byJob.TryRemove(jobUid, out _);
        _refused.TryRemove(jobUid, out _);
    }

    private sealed record Entry(int Gang, Dictionary<int, DateTimeOffset> Ranks);
}
