namespace AiOperator.Operator.ModelDeployments;

/// <summary>
/// Plain rolling replacement of older revisions by the current one (the canary engine refines this):
/// at most one pod above the desired count, never fewer ready pods than desired while old ones serve.
/// </summary>
internal static class RevisionReplacement
{
    /// <param name="desired">Replicas the ModelDeployment wants.</param>
    /// <param name="currentReady">Ready pods of the current revision.</param>
    /// <param name="olderReplicas">Replicas the older revisions have now, newest first.</param>
    /// <returns>Replicas for the current revision and for each older revision (same order; 0 = delete it).</returns>
    public static (int Current, IReadOnlyList<int> Older) Plan(int desired, int currentReady, IReadOnlyList<int> olderReplicas)
    {
        ArgumentNullException.ThrowIfNull(olderReplicas);
        desired = Math.Max(0, desired);
        var olderTotal = olderReplicas.Sum();
        if (olderTotal == 0)
        {
            return (desired, olderReplicas);
        }

        // Old pods leave as new ones become ready; the new revision surges by one pod at a time.
        var keepOld = Math.Max(0, desired - currentReady);
        var current = Math.Min(desired, currentReady + 1);
        if (desired == 0)
        {
            current = 0;
        }

        var older = new int[olderReplicas.Count];
        var budget = Math.Min(keepOld, olderTotal);
        for (var i = 0; i < older.Length; i++)
        {
            older[i] = Math.Min(olderReplicas[i], budget);
            budget -= older[i];
        }

        return (current, older);
    }
}
