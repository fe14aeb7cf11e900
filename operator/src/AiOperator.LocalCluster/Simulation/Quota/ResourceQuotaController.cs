using System.Net;
using AiOperator.LocalCluster.ApiServer.Admission;
using AiOperator.LocalCluster.Simulation.Informers;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Quota;

// kube-controller-manager's resource quota controller, for pods: keeps each ResourceQuota's status.hard and
// status.used current (what `kubectl describe quota` shows). Admission does not read it: the API server sums
// the namespace's pods itself when it admits one.
internal sealed class ResourceQuotaController(
    IKubernetes client,
    Informer<V1ResourceQuota, V1ResourceQuotaList> quotas,
    Informer<V1Pod, V1PodList> pods,
    ILogger logger)
{
    public async Task ReconcileAsync(CancellationToken ct)
    {
        var all = quotas.List();
        if (all.Count == 0)
        {
            return;
        }

        var usedByNamespace = pods.List().GroupBy(p => p.Metadata.NamespaceProperty ?? "")
            .ToDictionary(g => g.Key, g => QuotaUsage.Total(g), StringComparer.Ordinal);
        foreach (var quota in all.Where(q => q.Metadata.DeletionTimestamp is null))
        {
            var status = QuotaUsage.Status(quota, usedByNamespace.GetValueOrDefault(quota.Metadata.NamespaceProperty ?? "", []));
            if (Same(quota.Status, status))
            {
                continue;
            }

            var copy = KubernetesJson.Deserialize<V1ResourceQuota>(KubernetesJson.Serialize(quota));
            copy.Status = status;
            try
            {
                quotas.Upsert(await client.CoreV1.ReplaceNamespacedResourceQuotaStatusAsync(copy, quota.Metadata.Name, quota.Metadata.NamespaceProperty, cancellationToken: ct));
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                logger.LogDebug("status of ResourceQuota {Namespace}/{Name} not written: {Status}", quota.Metadata.NamespaceProperty, quota.Metadata.Name, ex.Response.StatusCode);
            }
        }
    }

    private static bool Same(V1ResourceQuotaStatus? current, V1ResourceQuotaStatus next) =>
        current?.Hard is { } hard && current.Used is { } used
        && hard.Count == next.Hard.Count && used.Count == next.Used.Count
        && next.Hard.All(h => hard.TryGetValue(h.Key, out var v) && v.ToDecimal() == h.Value.ToDecimal())
        && next.Used.All(u => used.TryGetValue(u.Key, out var v) && v.ToDecimal() == u.Value.ToDecimal());
}
