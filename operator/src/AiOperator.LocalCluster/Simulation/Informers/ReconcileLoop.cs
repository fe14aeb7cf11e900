using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Informers;

// Level-triggered: any change pulses the loop, which reconciles everything it owns; a periodic
// resync retries failed writes without needing per-key bookkeeping (the cluster is small).
// Passes start at most once per `minInterval`: a change after a quiet spell is handled at once, while
// a burst of changes (thousands of pod updates at scale) is taken by one pass each interval instead of
// one whole-cluster walk per event.
internal sealed class ReconcileLoop(string name, Func<CancellationToken, Task> reconcileAll, TimeProvider time, TimeSpan resync, TimeSpan minInterval, ILogger logger) : IDisposable
{
    public static readonly TimeSpan DefaultMinInterval = TimeSpan.FromMilliseconds(25);

    public void Dispose() => _pulse.Dispose();

    private readonly SemaphoreSlim _pulse = new(0, 1);

    public void Pulse()
    {
        try
        {
            _pulse.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already pulsed: changes coalesce into one pass.
        }
    }

    public async Task RunAsync(IEnumerable<IInformer> informers, CancellationToken ct)
    {
        foreach (var informer in informers)
        {
            informer.Subscribe(Pulse);
        }

        try
        {
            await Task.WhenAll(informers.Select(i => i.Synced)).WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!ct.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            try
            {
                await reconcileAll(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "{Controller} reconcile failed; will retry", name);
            }

            using var timeout = new CancellationTokenSource(resync, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                await _pulse.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // Periodic resync.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var sinceStart = time.GetElapsedTime(started);
            if (sinceStart < minInterval)
            {
                try
                {
                    await Task.Delay(minInterval - sinceStart, time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
