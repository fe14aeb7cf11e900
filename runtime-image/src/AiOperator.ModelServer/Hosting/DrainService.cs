namespace AiOperator.ModelServer.Hosting;

/// <summary>
/// On SIGTERM, before any service stops, readiness turns false; then it waits the drain delay so
/// endpoints can drop the pod while Kestrel still serves. Kestrel then drains in-flight requests.
/// </summary>
internal sealed class DrainService(ModelState state, TimeProvider time, ILogger<DrainService> log) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.BeginDrain();
        log.LogInformation("Draining: readiness false, {InFlight} request(s) in flight", state.Metrics.InFlight);
        if (state.Options.DrainDelaySeconds > 0)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(state.Options.DrainDelaySeconds), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
