namespace AiOperator.ModelServer.Tests.Support;

/// <summary>Waits on a condition with a deadline (never a fixed sleep), failing with what was awaited.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"timed out after {timeout} waiting for {what}");
            }

            await poll.WaitForNextTickAsync(CancellationToken.None);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan timeout) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout);
}
