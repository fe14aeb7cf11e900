using AiOperator.Api.V1Alpha1;

namespace AiOperator.Operator.Rollouts;

/// <summary>status.revisions edits (pure): newest first, outcomes, trimmed to revisionHistoryLimit without ever dropping a live revision.</summary>
internal static class RevisionHistory
{
    public const int DefaultLimit = 5;

    public static RevisionRecord? Find(IEnumerable<RevisionRecord> history, string? name) =>
        name is null ? null : history.FirstOrDefault(r => r.Name == name);

    public static bool IsFailed(IEnumerable<RevisionRecord> history, string name) =>
        Find(history, name)?.Outcome == RevisionOutcome.Failed;

    /// <summary>Puts the revision first with the outcome; its createdAt is kept when it was there already.</summary>
    public static void Upsert(List<RevisionRecord> history, string name, string? modelVersion, RevisionOutcome outcome, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(history);
        var existing = Find(history, name);
        history.RemoveAll(r => r.Name == name);
        history.Insert(0, new RevisionRecord
        {
            Name = name,
            ModelVersion = existing?.ModelVersion ?? modelVersion,
            CreatedAt = existing?.CreatedAt ?? now,
            Outcome = outcome,
        });
    }

    public static void Mark(List<RevisionRecord> history, string? name, RevisionOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(history);
        var index = history.FindIndex(r => r.Name == name);
        if (index >= 0)
        {
            var record = history[index];
            history[index] = new RevisionRecord { Name = record.Name, ModelVersion = record.ModelVersion, CreatedAt = record.CreatedAt, Outcome = outcome };
        }
    }

    /// <summary>At most limit records, oldest dropped first; the live revisions stay whatever their age.</summary>
    public static List<RevisionRecord> Trim(IReadOnlyList<RevisionRecord> history, int limit, IReadOnlyCollection<string> live)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(live);
        var keepLive = history.Count(r => live.Contains(r.Name));
        var others = Math.Max(0, Math.Max(1, limit) - keepLive);
        var result = new List<RevisionRecord>();
        foreach (var record in history)
        {
            if (live.Contains(record.Name))
            {
                result.Add(record);
            }
            else if (others > 0)
            {
                result.Add(record);
                others--;
            }
        }

        return result;
    }
}
