using System.Collections.Concurrent;
using System.Net;
using AiOperator.LocalCluster.Simulation.Informers;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Scheduling;

// kube-scheduler's loop: pending pods in priority then age order, one decision each, bound through
// the pods/binding subresource; an unschedulable pod gets PodScheduled=False and is retried on
// every change of pods or nodes.
internal sealed class Scheduler(
    IKubernetes client,
    Informer<V1Pod, V1PodList> pods,
    Informer<V1Node, V1NodeList> nodes,
    EventRecorder events,
    TimeProvider time,
    ILogger logger)
{
    public const string Name = "default-scheduler";

    // What each bound pod requests, per informer object (never mutated: writes go through copies),
    // so a pass sums 2,000 pods' requests without parsing 2,000 pods' quantities again.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<V1Pod, IReadOnlyDictionary<string, decimal>> _requests = [];

    // Pods this scheduler bound whose binding the pod informer does not show yet, by uid (kube-scheduler's
    // assume cache). Private: the informer is shared with the kubelet, which must see only what the API
    // server stored; a copy with the node set but the old resourceVersion made its first write a 409.
    private readonly ConcurrentDictionary<string, (V1Pod Pod, string Node)> _assumed = new(StringComparer.Ordinal);

    public async Task ReconcileAsync(CancellationToken ct)
    {
        var all = pods.List();
        var pending = all
            .Where(p => string.IsNullOrEmpty(p.Spec?.NodeName) && p.Metadata.DeletionTimestamp is null
                && p.Status?.Phase is not ("Succeeded" or "Failed")
                && (string.IsNullOrEmpty(p.Spec?.SchedulerName) || p.Spec.SchedulerName == Name))
            .OrderByDescending(p => p.Spec.Priority ?? 0)
            .ThenBy(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        if (!_assumed.IsEmpty)
        {
            // An assumed pod the informer no longer lists as pending is bound there (or gone): forget it.
            var stillPending = pending.Select(p => p.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
            foreach (var uid in _assumed.Keys.Where(uid => !stillPending.Contains(uid)).ToList())
            {
                _assumed.TryRemove(uid, out _);
            }

            pending.RemoveAll(p => _assumed.ContainsKey(p.Metadata.Uid));
        }

        if (pending.Count == 0)
        {
            // Most passes follow a status change of a running pod: nothing to place, nothing to sum.
            return;
        }

        var nodeList = nodes.List().Where(IsReady).OrderBy(n => n.Metadata.Name, StringComparer.Ordinal).ToList();
        var usage = NodeUsage.ByNode(all, pod => _requests.GetValue(pod, PodRequests.For));
        foreach (var (pod, node) in _assumed.Values)
        {
            Take(usage, node, pod);
        }

        var binds = new List<Task>();
        using var slots = new SemaphoreSlim(ConcurrentSyncs.Workers);
        try
        {
            foreach (var pod in pending)
            {
                var decision = PlacementPolicy.Decide(pod, nodeList, usage);
                if (decision.NodeName is { } node)
                {
                    // Assumed on its node before the bind returns, as kube-scheduler's cache does: later
                    // pods of the pass see the capacity taken while the binds run side by side.
                    Take(usage, node, pod);
                    await slots.WaitAsync(ct);
                    binds.Add(BindAssumedAsync(pod, node, slots, ct));
                }
                else
                {
                    await MarkUnschedulableAsync(pod, decision.UnschedulableMessage!, ct);
                }
            }
        }
        finally
        {
            await Task.WhenAll(binds);
        }
    }

    private void Take(Dictionary<string, NodeUsage> usage, string node, V1Pod pod)
    {
        if (!usage.TryGetValue(node, out var onNode))
        {
            onNode = new NodeUsage();
            usage[node] = onNode;
        }

        onNode.Add(_requests.GetValue(pod, PodRequests.For));
    }

    private async Task BindAssumedAsync(V1Pod pod, string node, SemaphoreSlim slots, CancellationToken ct)
    {
        try
        {
            if (await BindAsync(pod, node, ct))
            {
                _assumed[pod.Metadata.Uid] = (pod, node);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task<bool> BindAsync(V1Pod pod, string node, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty;
        try
        {
            var binding = new V1Binding
            {
                ApiVersion = "v1",
                Kind = "Binding",
                Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = ns, Uid = pod.Metadata.Uid },
                Target = new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = node },
            };
            try
            {
                await client.CoreV1.CreateNamespacedPodBindingAsync(binding, pod.Metadata.Name, ns, cancellationToken: ct);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                // An API server without pods/binding: set spec.nodeName, the other documented way to bind.
                var patch = new V1Patch($"{{\"spec\":{{\"nodeName\":\"{node}\"}}}}", V1Patch.PatchType.MergePatch);
                await client.CoreV1.PatchNamespacedPodAsync(patch, pod.Metadata.Name, ns, cancellationToken: ct);
            }
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity)
        {
            // Deleted or already bound meanwhile: the next pass sees the truth.
            logger.LogDebug("binding {Namespace}/{Name} failed: {Status}", ns, pod.Metadata.Name, ex.Response.StatusCode);
            return false;
        }

        logger.LogInformation("bound {Namespace}/{Name} to {Node}", ns, pod.Metadata.Name, node);
        events.Record(pod, "v1", "Pod", "Normal", "Scheduled", $"Successfully assigned {ns}/{pod.Metadata.Name} to {node}");
        return true;
    }

    private async Task MarkUnschedulableAsync(V1Pod pod, string message, CancellationToken ct)
    {
        var current = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (current is { Status: "False", Reason: "Unschedulable" } && current.Message == message)
        {
            return;
        }

        var written = await PodStatusUpdater.UpdateAsync(client, pod.Metadata.NamespaceProperty, pod.Metadata.Name, p =>
        {
            if (!string.IsNullOrEmpty(p.Spec.NodeName) || p.Metadata.Uid != pod.Metadata.Uid)
            {
                return false;
            }

            p.Status ??= new V1PodStatus();
            p.Status.Phase ??= "Pending";
            var conditions = p.Status.Conditions?.Where(c => c.Type != "PodScheduled").ToList() ?? [];
            var old = p.Status.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
            conditions.Add(new V1PodCondition
            {
                Type = "PodScheduled",
                Status = "False",
                Reason = "Unschedulable",
                Message = message,
                LastTransitionTime = old?.Status == "False" && old.LastTransitionTime is not null ? old.LastTransitionTime : time.GetUtcNow().UtcDateTime,
            });
            p.Status.Conditions = conditions;
            return true;
        }, ct);
        if (written is not null)
        {
            pods.Upsert(written);
            logger.LogInformation("{Namespace}/{Name} unschedulable: {Message}", pod.Metadata.NamespaceProperty, pod.Metadata.Name, message);
            events.Record(pod, "v1", "Pod", "Warning", "FailedScheduling", message);
        }
    }

    private static bool IsReady(V1Node node) =>
        node.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") ?? false;
}
