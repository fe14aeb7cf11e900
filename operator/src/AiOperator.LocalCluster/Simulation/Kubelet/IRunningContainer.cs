namespace AiOperator.LocalCluster.Simulation.Kubelet;

internal interface IRunningContainer : IAsyncDisposable
{
    string ContainerId { get; }

    DateTimeOffset StartedAt { get; }

    Task<ContainerExit> Exited { get; }

    // Drives readiness (and liveness, which may stop the container) until the container exits.
    Task SuperviseAsync(Action<bool> setReady, CancellationToken ct);

    // SIGTERM, then SIGKILL when the grace period runs out.
    Task StopAsync(TimeSpan grace);
}
