namespace AiOperator.ModelServer.Batching;

/// <summary>Thread-pool room for model runs, which hold a pool thread each for their whole length.</summary>
internal static class ExecutionThreads
{
    private static int _reserved;

    /// <summary>
    /// Raises the pool's minimum so that every execution slot of every scheduler in the process can be
    /// busy and still leave as many threads as cores for everything else. A run is synchronous on the
    /// request's thread (no hop), and the pool adds threads beyond its minimum only slowly (about two a
    /// second): with every slot in a long run, health probes and /metrics scrapes waited for the run to
    /// end (a test saw a scrape answered only after an 800 ms run).
    /// </summary>
    public static void Reserve(int slots)
    {
        var wanted = Environment.ProcessorCount + Interlocked.Add(ref _reserved, slots);
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, completionPorts);
        }
    }

    /// <summary>
    /// Gives back slots of a scheduler that has stopped. The minimum is left where it is: threads are only
    /// created when work waits, so a minimum higher than needed costs nothing, and lowering it under
    /// another scheduler's runs could starve them.
    /// </summary>
    public static void Release(int slots) => Interlocked.Add(ref _reserved, -slots);
}
