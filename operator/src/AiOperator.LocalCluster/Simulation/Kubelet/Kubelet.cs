using System.Net;
using AiOperator.LocalCluster.Simulation.Informers;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// One kubelet serving every simulated node: it runs pods bound to them, stops pods that get a
// deletionTimestamp (then removes them) or vanish, and never re-runs a pod that already finished.
internal sealed class Kubelet(
    Informer<V1Pod, V1PodList> pods,
    IReadOnlyDictionary<string, string> nodeHostIps,
    KubeletContext context,
    TimeSpan shutdownGrace) : IAsyncDisposable
{
    private readonly Dictionary<string, PodWorker> _workers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public async Task ReconcileAsync(CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var toDelete = new List<V1Pod>();
        lock (_lock)
        {
            foreach (var pod in pods.List())
            {
                if (pod.Spec?.NodeName is not { } node || !nodeHostIps.TryGetValue(node, out var hostIp))
                {
                    continue;
                }

                var uid = pod.Metadata.Uid;
                seen.Add(uid);
                if (!_workers.TryGetValue(uid, out var worker))
                {
                    if (pod.Metadata.DeletionTimestamp is not null)
                    {
                        toDelete.Add(pod);
                    }
                    else if (pod.Status?.Phase is not ("Succeeded" or "Failed"))
                    {
                        worker = new PodWorker(pod, hostIp, context);
                        _workers[uid] = worker;
                        worker.Start();
                    }

                    continue;
                }

                if (pod.Metadata.DeletionTimestamp is not null && !worker.Stopping)
                {
                    var grace = pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30;
                    context.Logger.LogInformation("stopping {Namespace}/{Name} (grace {Grace}s)", pod.Metadata.NamespaceProperty, pod.Metadata.Name, grace);
                    worker.Stop(TimeSpan.FromSeconds(grace), deleteWhenStopped: true);
                }
            }

            foreach (var (uid, worker) in _workers.ToList())
            {
                if (!seen.Contains(uid) && !worker.Stopping)
                {
                    worker.Stop(shutdownGrace, deleteWhenStopped: false);
                }

                if (worker.Completion.IsCompleted)
                {
                    _workers.Remove(uid);
                    worker.Dispose();
                }
            }
        }

        foreach (var pod in toDelete)
        {
            try
            {
                await context.Client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                    new V1DeleteOptions { GracePeriodSeconds = 0, Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } }, gracePeriodSeconds: 0, cancellationToken: ct);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
            {
            }
        }
    }

    // Stops every pod (SIGTERM, SIGKILL after shutdownGrace) so no process outlives the cluster.
    public async ValueTask DisposeAsync()
    {
        List<PodWorker> workers;
        lock (_lock)
        {
            workers = [.. _workers.Values];
            _workers.Clear();
        }

        foreach (var worker in workers)
        {
            worker.Stop(shutdownGrace, deleteWhenStopped: false);
        }

        await Task.WhenAll(workers.Select(w => w.Completion));
        foreach (var worker in workers)
        {
            worker.Dispose();
        }
    }
}
