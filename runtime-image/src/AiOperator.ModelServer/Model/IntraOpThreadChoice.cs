namespace AiOperator.ModelServer.Model;

/// <summary>How many intra-op threads a loaded model keeps when <c>--intra-op-threads</c> was not given.</summary>
internal static class IntraOpThreadChoice
{
    /// <summary>
    /// A warm run on the CPU faster than this is too small to split: each operator split wakes a sleeping
    /// intra-op thread (tens of microseconds), more than such a model gains. A 256-512-10 MLP runs in
    /// tens of microseconds and served more with one thread; ResNet18 takes tens of milliseconds and
    /// halves with two (docs/benchmarks.md, issue 13).
    /// </summary>
    public static readonly TimeSpan SmallModelRun = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// The thread count for a session that runs up to <paramref name="instances"/> executions at once on
    /// <paramref name="threads"/> cores, and why it differs from <paramref name="threads"/> (null: it does
    /// not). A model too small to split keeps one thread. Otherwise concurrent executions share the cores
    /// rather than each taking all of them: two ResNet18 runs of two threads each on two cores served 9 %
    /// fewer requests at 8 clients than two of one thread (they fight over the cores and wait on each
    /// other's splits), at the price of a lone request's run taking longer.
    /// </summary>
    public static (int Threads, string? Why) For(int threads, bool given, string provider, TimeSpan warmRun, int instances)
    {
        if (given || threads <= 1 || provider != "CPU")
        {
            return (threads, null);
        }

        if (warmRun < SmallModelRun)
        {
            return (1, "a model this small loses more to waking threads than it gains from splitting operators");
        }

        var share = Math.Max(1, threads / Math.Max(1, instances));
        return share == threads
            ? (threads, null)
            : (share, $"its {instances} concurrent executions share the {threads} cores instead of oversubscribing them");
    }
}
