using System.Net;
using AiOperator.LocalCluster.Simulation.Informers;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// The kubelet's per-pod worker: sandbox (IP, folders), one ContainerWorker per container, status
// written through pods/status whenever a container changes, and on termination: stop containers
// within the grace period, then remove the pod (DELETE with gracePeriodSeconds=0), as the kubelet does.
internal sealed class PodWorker(V1Pod pod, string hostIp, KubeletContext context) : IDisposable
{
    private static readonly TimeSpan StatusRetry = TimeSpan.FromMilliseconds(500);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly List<ContainerWorker> _init = [];
    private readonly List<ContainerWorker> _containers = [];
    private volatile bool _initialized;
    private readonly Lock _lock = new();

    // The resourceVersion of this worker's last status write (PodStatusUpdater skips a read when nothing changed since).
    private string? _lastWritten;
    private TimeSpan _grace = TimeSpan.FromSeconds(pod.Spec.TerminationGracePeriodSeconds ?? 30);
    private bool _deleteWhenStopped;

    public string Uid { get; } = pod.Metadata.Uid;

    public bool Stopping => _stop.IsCancellationRequested;

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = Task.Run(RunAsync);

    public void Stop(TimeSpan grace, bool deleteWhenStopped)
    {
        lock (_lock)
        {
            _grace = grace;
            _deleteWhenStopped |= deleteWhenStopped;
            foreach (var container in _init.Concat(_containers))
            {
                container.StopGrace = grace;
            }
        }

        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        Pulse();
    }

    private async Task RunAsync()
    {
        var ns = pod.Metadata.NamespaceProperty;
        var name = pod.Metadata.Name;
        var podIp = context.PodAddresses.Allocate();
        var startTime = context.Time.GetUtcNow();
        var initSpecs = pod.Spec.InitContainers ?? [];
        var initial = (pod.Spec.Containers ?? []).Select(c => ContainerWorker.Initial(c) with { WaitingReason = initSpecs.Count > 0 ? "PodInitializing" : "ContainerCreating" }).ToList();
        var initialInit = initSpecs.Select(ContainerWorker.Initial).ToList();
        string? podDirectory = null;
        try
        {
            await WriteStatusAsync(initialInit, initial, podIp, startTime);
            var sandbox = await PrepareSandboxAsync(podIp, initialInit, initial);
            if (sandbox is not null)
            {
                podDirectory = sandbox.Directory;
                context.Logs.Register(ns, name, sandbox.Directory);
                var initPolicy = pod.Spec.RestartPolicy == "Never" ? "Never" : "OnFailure";
                lock (_lock)
                {
                    _init.AddRange(initSpecs.Select(spec => new ContainerWorker(sandbox, spec, context.RuntimeFor(spec.Image), initPolicy, context, Pulse) { StopGrace = _grace }));
                    _containers.AddRange((pod.Spec.Containers ?? []).Select(spec => new ContainerWorker(sandbox, spec, context.RuntimeFor(spec.Image), pod.Spec.RestartPolicy, context, Pulse) { StopGrace = _grace }));
                }

                var all = Task.Run(RunContainersAsync);
                while (!all.IsCompleted || _changed.CurrentCount > 0)
                {
                    await Task.WhenAny(all, _changed.WaitAsync());
                    if (!await WriteStatusAsync(InitRecords(), AppRecords(initial), podIp, startTime))
                    {
                        RetryLater();
                    }
                }

                await all;

                // The final status must land even when the API server is failing requests (fault injection).
                while (!await WriteStatusAsync(InitRecords(), AppRecords(initial), podIp, startTime) && !_stop.IsCancellationRequested)
                {
                    await Task.WhenAny(Task.Delay(StatusRetry, context.Time), _stop.Token.WhenCanceled());
                }

                await _stop.Token.WhenCanceled();
            }

            if (_deleteWhenStopped)
            {
                await DeleteNowAsync();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.Logger.LogWarning(ex, "pod worker for {Namespace}/{Name} failed", ns, name);
        }
        finally
        {
            if (podDirectory is not null)
            {
                context.Logs.Unregister(ns, name, podDirectory);
            }

            context.PodAddresses.Release(podIp);
        }
    }

    // Init containers one after another, each to success; then the app containers together.
    private async Task RunContainersAsync()
    {
        foreach (var init in _init)
        {
            await init.RunAsync(_stop.Token);
            if (init.Current.Terminated?.ExitCode != 0)
            {
                return;
            }
        }

        _initialized = true;
        Pulse();
        await Task.WhenAll(_containers.Select(c => Task.Run(() => c.RunAsync(_stop.Token))));
    }

    private List<ContainerRecord> InitRecords() => [.. _init.Select(c => c.Current)];

    private List<ContainerRecord> AppRecords(List<ContainerRecord> initial) =>
        _initialized ? [.. _containers.Select(c => c.Current)] : initial;

    private async Task<PodSandbox?> PrepareSandboxAsync(IPAddress podIp, List<ContainerRecord> initRecords, List<ContainerRecord> records)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                return await PodSandbox.PrepareAsync(context.Client, pod, context.StateDirectory, podIp, hostIp, _stop.Token);
            }
            catch (ContainerStartException ex)
            {
                context.Events.Record(pod, "v1", "Pod", "Warning", "FailedMount", ex.Message);
                var waiting = records.Select(r => r with { WaitingReason = ex.Reason, WaitingMessage = ex.Message }).ToList();
                await WriteStatusAsync(initRecords, waiting, podIp, context.Time.GetUtcNow());
                try
                {
                    await Task.Delay(context.BackoffBase, context.Time, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }

    // A failed write is retried after a pause, not only on the next container change.
    private void RetryLater() =>
        _ = Task.Delay(StatusRetry, context.Time).ContinueWith(_ => Pulse(), TaskScheduler.Default);

    private async Task<bool> WriteStatusAsync(IReadOnlyList<ContainerRecord> initRecords, IReadOnlyList<ContainerRecord> records, IPAddress podIp, DateTimeOffset startTime)
    {
        bool shuttingDown;
        lock (_lock)
        {
            shuttingDown = _stop.IsCancellationRequested && !_deleteWhenStopped;
        }

        if (shuttingDown)
        {
            // The kubelet (the cluster) is stopping, not the pod: its containers ending now is no phase
            // change, so a cluster restarted on the same state folder runs the pod again.
            return true;
        }

        try
        {
            var written = await PodStatusUpdater.UpdateAsync(context.Client, pod.Metadata.NamespaceProperty, pod.Metadata.Name, current =>
            {
                if (current.Metadata.Uid != Uid)
                {
                    return false;
                }

                var start = current.Status?.StartTime is { } s ? new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)) : startTime;
                var status = PodStatusBuilder.Build(current, initRecords, records, hostIp, podIp.ToString(), start, context.Time.GetUtcNow());
                if (current.Status is not null && KubernetesJson.Serialize(status) == KubernetesJson.Serialize(current.Status))
                {
                    return false;
                }

                current.Status = status;
                return true;
            }, CancellationToken.None, context.Pods?.Get(pod.Metadata.NamespaceProperty, pod.Metadata.Name), _lastWritten);
            if (written is not null)
            {
                _lastWritten = written.Metadata.ResourceVersion;
                // The next status write starts from what this one stored, not from a copy the watch has not updated yet.
                context.Pods?.Upsert(written);
            }

            return true;
        }
        catch (HttpOperationException ex)
        {
            context.Logger.LogDebug("status write for {Namespace}/{Name} failed: {Status}", pod.Metadata.NamespaceProperty, pod.Metadata.Name, ex.Response.StatusCode);
            return false;
        }
        catch (HttpRequestException ex)
        {
            context.Logger.LogDebug("status write for {Namespace}/{Name} failed: {Error}", pod.Metadata.NamespaceProperty, pod.Metadata.Name, ex.Message);
            return false;
        }
        catch (TaskCanceledException)
        {
            // Client timeout (e.g. injected latency).
            return false;
        }
    }

    private async Task DeleteNowAsync()
    {
        try
        {
            await context.Client.CoreV1.DeleteNamespacedPodAsync(
                pod.Metadata.Name,
                pod.Metadata.NamespaceProperty,
                new V1DeleteOptions { GracePeriodSeconds = 0, Preconditions = new V1Preconditions { Uid = Uid } },
                gracePeriodSeconds: 0);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
        }
        catch (HttpRequestException)
        {
            // API server already gone (cluster shutdown).
        }
    }

    public void Dispose()
    {
        _stop.Dispose();
        _changed.Dispose();
    }

    private void Pulse()
    {
        try
        {
            _changed.Release();
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
        }
    }
}
