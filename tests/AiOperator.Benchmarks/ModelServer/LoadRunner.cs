using System.Diagnostics;

namespace AiOperator.Benchmarks.ModelServer;

/// <summary>Runs N closed-loop workers for a fixed time and measures each call; bounded in count and time.</summary>
internal static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(string model, string target, int concurrency, TimeSpan warmup, TimeSpan duration, Func<int, Func<Task<bool>>> workerFactory)
    {
        var latencies = new List<double>[concurrency];
        var errors = 0L;
        var measuring = false;
        var stop = false;
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var call = workerFactory(w);
            var mine = latencies[w] = new List<double>(100_000);
            while (!Volatile.Read(ref stop) && mine.Count < 5_000_000)
            {
                var start = Stopwatch.GetTimestamp();
                var ok = await call();
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (Volatile.Read(ref measuring))
                {
                    mine.Add(elapsed);
                    if (!ok)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            }
        })).ToArray();

        await Task.Delay(warmup);
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await Task.Delay(duration);
        Volatile.Write(ref measuring, false);
        var seconds = clock.Elapsed.TotalSeconds;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers);

        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(model, target, concurrency, all.Length / seconds, Percentile(all, 0.50), Percentile(all, 0.99), all.Length, errors);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
