using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Admission;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Resources;
using k8s;
using k8s.Models;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// The ResourceQuota admission plugin, for pods: a new pod that would take a namespace past a quota's hard
// limit (pods, cpu, memory, ephemeral-storage, requests.<extended resource> such as requests.nvidia.com/gpu)
// is refused with 403 "exceeded quota: ...", and one that omits a request or limit a quota tracks with
// "failed quota: ...". Usage is summed from the namespace's pods under the store lock, so two creates can
// never both take the last of a quota. Scoped quotas (scopes, scopeSelector) are stored, not enforced.
internal sealed partial class ResourceRegistry
{
    private const string QuotaStoreKey = "/resourcequotas";

    private void AdmitQuota(ResourceType type, string ns, JsonObject pod)
    {
        if (type.StoreKey != "/pods" || ns.Length == 0)
        {
            return;
        }

        var quotas = _store.Enumerate(QuotaStoreKey, ns).Select(q => q.Decode<V1ResourceQuota>())
            .Where(q => q.Spec?.Scopes is null or { Count: 0 } && q.Spec?.ScopeSelector is null)
            .ToList();
        if (quotas.Count == 0)
        {
            return;
        }

        var candidate = KubernetesJson.Deserialize<V1Pod>(pod.ToJsonString());
        var used = QuotaUsage.Total(_store.Enumerate("/pods", ns).Select(p => p.Decode<V1Pod>()));
        foreach (var quota in quotas.OrderBy(q => q.Metadata.Name, StringComparer.Ordinal))
        {
            if (QuotaUsage.Refusal(quota, candidate, used) is { } refusal)
            {
                throw new ApiException(403, "Forbidden", $"pods \"{pod.Name()}\" is forbidden: {refusal}", new StatusDetails(pod.Name(), type.Group, type.Plural));
            }
        }
    }
}
