using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// One container's life inside a pod: start, supervise, exit, and restart by the pod's
// restartPolicy with CrashLoopBackOff, publishing every state change as a ContainerRecord.
// restartPolicy is the pod's for app containers; init containers retry failures unless the pod says Never.
internal sealed class ContainerWorker(PodSandbox sandbox, V1Container spec, IContainerRuntime runtime, string? restartPolicy, KubeletContext context, Action changed)
{
    private readonly Lock _lock = new();
    private ContainerRecord _record = new() { Name = spec.Name, Image = spec.Image };

    public ContainerRecord Current
    {
        get
        {
            lock (_lock)
            {
                return _record;
            }
        }
    }

    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(30);

    public static ContainerRecord Initial(V1Container spec) => new() { Name = spec.Name, Image = spec.Image };

    public async Task RunAsync(CancellationToken stop)
    {
        var pod = sandbox.Pod;
        var attempt = 0;
        while (!stop.IsCancellationRequested)
        {
            IRunningContainer running;
            try
            {
                running = await runtime.StartAsync(sandbox, spec, attempt, stop);
            }
            catch (ContainerStartException ex)
            {
                Update(r => r with { Phase = ContainerPhase.Waiting, WaitingReason = ex.Reason, WaitingMessage = ex.Message, Ready = false });
                context.Events.Record(pod, "v1", "Pod", "Warning", "Failed", $"Error: {ex.Message}");
                if (!await DelayAsync(context.BackoffBase, stop))
                {
                    return;
                }

                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            ContainerExit exit;
            context.Logs.SetAttempts(pod.Metadata.NamespaceProperty, pod.Metadata.Name, spec.Name, attempt, attempt > 0 ? attempt - 1 : null);
            await using (running)
            {
                Update(r => r with
                {
                    Phase = ContainerPhase.Running,
                    ContainerId = running.ContainerId,
                    StartedAt = running.StartedAt,
                    WaitingReason = null,
                    WaitingMessage = null,
                    Terminated = null,
                    Ready = false,
                });
                context.Events.Record(pod, "v1", "Pod", "Normal", "Started", $"Started container {spec.Name}");
                using var superviseStop = new CancellationTokenSource();
                var supervise = running.SuperviseAsync(ready => Update(r => r.Phase == ContainerPhase.Running ? r with { Ready = ready } : r), superviseStop.Token);
                var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (stop.Register(() => stopRequested.TrySetResult()))
                {
                    if (await Task.WhenAny(running.Exited, stopRequested.Task) != running.Exited)
                    {
                        context.Events.Record(pod, "v1", "Pod", "Normal", "Killing", $"Stopping container {spec.Name}");
                        await running.StopAsync(StopGrace);
                    }
                }

                exit = await running.Exited;
                await superviseStop.CancelAsync();
                await supervise;
            }

            Update(r => r with { Phase = ContainerPhase.Terminated, Terminated = exit, Ready = false });
            if (stop.IsCancellationRequested || !RestartRules.ShouldRestart(restartPolicy, exit.ExitCode))
            {
                return;
            }

            context.Logs.SetAttempts(pod.Metadata.NamespaceProperty, pod.Metadata.Name, spec.Name, null, attempt);
            attempt++;
            var delay = RestartRules.Backoff(attempt, context.BackoffBase, context.BackoffMax);

            // The back-off starts before the state is published, so its end never depends on who looks when.
            var backoff = DelayAsync(delay, stop);
            Update(r => r with
            {
                Phase = ContainerPhase.Waiting,
                WaitingReason = "CrashLoopBackOff",
                WaitingMessage = $"back-off {Math.Round(delay.TotalSeconds)}s restarting failed container={spec.Name} pod={pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}({pod.Metadata.Uid})",
                LastTerminated = exit,
                Terminated = null,
                RestartCount = attempt,
            });
            context.Events.Record(pod, "v1", "Pod", "Warning", "BackOff", $"Back-off restarting failed container {spec.Name} in pod {pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}({pod.Metadata.Uid})");
            if (!await backoff)
            {
                return;
            }
        }
    }

    public void SetWaiting(string reason, string message) =>
        Update(r => r with { Phase = ContainerPhase.Waiting, WaitingReason = reason, WaitingMessage = message });

    private void Update(Func<ContainerRecord, ContainerRecord> change)
    {
        lock (_lock)
        {
            var next = change(_record);
            if (next == _record)
            {
                return;
            }

            _record = next;
        }

        changed();
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, context.Time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
