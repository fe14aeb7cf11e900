using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Informers;

// Level-triggered: any change pulses the loop, which reconciles everything it owns; a periodic
// resync retries failed writes without needing per-key bookkeeping (the cluster is small).
// Passes start at most once per `minInterval`: a change after a quiet spell is handled at once, while
// a burst of changes (thousands of pod updates at scale) is taken by one pass each interval instead of
// one whole-cluster walk per event.
internal sealed class ReconcileLoop(string name, Func<CancellationToken, Task> reconcileAll, TimeProvider time, TimeSpan resync, TimeSpan minInterval, ILogger logger)
{
    public static readonly TimeSpan DefaultMinInterval = TimeSpan.FromMilliseconds(25);

    // One pending pulse at most: changes coalesce into one pass. A full channel drops the write without
    // the exception a full SemaphoreSlim throws, which at scale (one pulse per watch event) cost more than
    // the pulse itself.
    private readonly Channel<bool> _pulse = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Pulse() => _pulse.Writer.TryWrite(true);

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
                await _pulse.Reader.ReadAsync(linked.Token);
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
