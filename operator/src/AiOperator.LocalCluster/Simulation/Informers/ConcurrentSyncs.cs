namespace AiOperator.LocalCluster.Simulation.Informers;

// Objects of one reconcile pass synced by several workers at once, as kube-controller-manager runs
// --concurrent-deployment-syncs (and its peers, default 5) workers per controller: one at a time, a
// pass over a thousand Deployments waited for a thousand API round trips in a row.
internal static class ConcurrentSyncs
{
    public const int Workers = 8;

    public static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, ValueTask> sync, CancellationToken ct) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Workers, CancellationToken = ct }, sync);
}
