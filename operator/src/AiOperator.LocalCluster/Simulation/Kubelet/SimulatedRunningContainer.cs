namespace AiOperator.LocalCluster.Simulation.Kubelet;

internal sealed class SimulatedRunningContainer : IRunningContainer
{
    private readonly TimeProvider _time;
    private readonly string _log;
    private readonly TaskCompletionSource<ContainerExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer? _exitTimer;
    private readonly ITimer _readyTimer;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SimulatedRunningContainer(SimulatedContainer behaviour, TimeProvider time, string log)
    {
        _time = time;
        _log = log;
        StartedAt = time.GetUtcNow();

        // Timers start with the container, so readiness and exit times do not depend on when they are observed.
        _readyTimer = time.CreateTimer(_ => _ready.TrySetResult(), null, behaviour.ReadyAfter, Timeout.InfiniteTimeSpan);
        if (behaviour.ExitAfter is { } after)
        {
            var reason = behaviour.Reason ?? (behaviour.ExitCode == 0 ? "Completed" : "Error");
            _exitTimer = time.CreateTimer(_ => Finish(behaviour.ExitCode, reason, behaviour.Message), null, after, Timeout.InfiniteTimeSpan);
        }
    }

    public string ContainerId { get; } = ContainerIds.New();

    public DateTimeOffset StartedAt { get; }

    public Task<ContainerExit> Exited => _exit.Task;

    public async Task SuperviseAsync(Action<bool> setReady, CancellationToken ct)
    {
        try
        {
            await _ready.Task.WaitAsync(ct);
            if (!_exit.Task.IsCompleted)
            {
                setReady(true);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public Task StopAsync(TimeSpan grace)
    {
        // A simulated process honours SIGTERM at once and exits cleanly.
        Finish(0, "Completed", null);
        return _exit.Task;
    }

    public ValueTask DisposeAsync()
    {
        _exitTimer?.Dispose();
        _readyTimer.Dispose();
        Finish(137, "Error", null);
        return ValueTask.CompletedTask;
    }

    private void Finish(int code, string reason, string? message)
    {
        var exit = new ContainerExit(code, reason, message, StartedAt, _time.GetUtcNow(), ContainerId);
        if (_exit.TrySetResult(exit))
        {
            try
            {
                File.AppendAllText(_log, $"simulated container exited with code {code} ({reason})\n");
            }
            catch (IOException)
            {
                // The pod folder may already be gone during shutdown.
            }
        }
    }
}
