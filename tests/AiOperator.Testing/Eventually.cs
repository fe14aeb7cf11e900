namespace AiOperator.Testing;

/// <summary>
/// Waits on a condition with a deadline (never a fixed sleep): polling is the only way to observe another
/// process or a background loop. A condition that throws counts as not yet true (the object may not exist
/// yet); the last error is part of the timeout message.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(20);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        await ValueAsync<string?>(async () => await condition().ConfigureAwait(false) ? string.Empty : null, what, timeout, poll).ConfigureAwait(false);
    }

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), what, timeout, poll);
    }

    /// <summary>Polls until the probe returns a value (not null, not an exception) and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, string what, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var limit = timeout ?? DefaultTimeout;
        using var deadline = new CancellationTokenSource(limit);
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await probe().ConfigureAwait(false) is { } value)
                {
                    return value;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                last = e;
            }

            try
            {
                await Task.Delay(poll ?? DefaultPoll, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out after {limit.TotalSeconds:0.#}s waiting for {what}" + (last is null ? "" : $"; last error: {last.Message}"));
            }
        }
    }
}
