using System.Diagnostics;

namespace AiOperator.LocalCluster.Tests.ApiServer;

// Waits on a condition with a deadline (never a fixed sleep): polls, then fails loudly.
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan deadline, string? what = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"condition not met within {deadline}: {what ?? "(unnamed)"}");
            }

            await Task.Yield();
            await Task.Delay(10);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan deadline, string? what = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"condition not met within {deadline}: {what ?? "(unnamed)"}");
            }

            await Task.Delay(10);
        }
    }
}
