using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Resources;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// The admission plugins kube-apiserver runs on a write, in its order, under the store lock: Priority
// (pods), PodSecurity (pods refused, workloads warned, namespace labels checked) and ResourceQuota (pods).
internal sealed partial class ResourceRegistry
{
    private void AdmitCreate(ResourceType type, string ns, JsonObject body, WriteContext ctx)
    {
        if (type.StoreKey == "/pods")
        {
            AdmitPriority(type, body);
        }

        AdmitPodSecurity(type, ns, body, ctx);
        AdmitQuota(type, ns, body);
        if (type.StoreKey == NamespaceStoreKey)
        {
            AdmitNamespaceLabels(body, null, ctx);
        }
    }

    // A main-resource update (not status or binding). Pods are checked on create only: what PodSecurity looks
    // at in a pod is immutable afterwards.
    private void AdmitUpdate(ResourceType type, string ns, JsonObject next, JsonObject old, bool specChanged, WriteContext ctx)
    {
        if (type.StoreKey == NamespaceStoreKey)
        {
            AdmitNamespaceLabels(next, old, ctx);
        }
        else if (specChanged && type.StoreKey != "/pods")
        {
            AdmitPodSecurity(type, ns, next, ctx);
        }
    }
}
