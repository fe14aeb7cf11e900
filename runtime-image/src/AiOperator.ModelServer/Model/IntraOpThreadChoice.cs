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

    public static int For(int threads, bool given, string provider, TimeSpan warmRun) =>
        !given && threads > 1 && provider == "CPU" && warmRun < SmallModelRun ? 1 : threads;
}
