using k8s;

namespace AiOperator.Cli.Admin;

/// <summary>
/// Wakes a --watch loop whenever the watched object or its pods change: one watch per source, each
/// restarted when the server ends it, all signalling one semaphore the render loop waits on.
/// </summary>
internal sealed class ResourceWatch(ClusterConnection connection, string plural, string name, string podSelector) : IDisposable
{
    private readonly SemaphoreSlim _changed = new(0);

    public async Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        await _changed.WaitAsync(cancellationToken);
        while (_changed.CurrentCount > 0)
        {
            await _changed.WaitAsync(cancellationToken);  // several events at once are one re-render
        }
    }

    public void Start(CancellationToken cancellationToken)
    {
        _ = Task.Run(() => LoopAsync(async ct =>
        {
            var response = connection.Client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(
                Api.V1Alpha1.GroupVersion.Group, Api.V1Alpha1.GroupVersion.Version, connection.Namespace, plural,
                fieldSelector: $"metadata.name={name}", watch: true, timeoutSeconds: 300, cancellationToken: ct);
            // The generic extension is marked obsolete in favour of generated per-kind methods, which custom resources lack.
#pragma warning disable CS0618
            await foreach (var _ in response.WatchAsync<object, object>(onError: null, cancellationToken: ct))
#pragma warning restore CS0618
            {
                _changed.Release();
            }
        }, cancellationToken), cancellationToken);
        _ = Task.Run(() => LoopAsync(async ct =>
        {
            var events = connection.Client.CoreV1.WatchListNamespacedPodAsync(
                connection.Namespace, labelSelector: podSelector, timeoutSeconds: 300, cancellationToken: ct);
            await foreach (var _ in events)
            {
                _changed.Release();
            }
        }, cancellationToken), cancellationToken);
    }

    // A watch that ends or fails is reopened after a short pause; the render loop also re-reads then.
    private async Task LoopAsync(Func<CancellationToken, Task> watch, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await watch(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Reconnect below; a persistent failure shows as a view that stops changing.
            }

            _changed.Release();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public void Dispose() => _changed.Dispose();
}
