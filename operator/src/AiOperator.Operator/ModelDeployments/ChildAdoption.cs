using System.Text.Json.Nodes;
using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>
/// Children left without a controller by <c>kubectl delete --cascade=orphan</c> (or an Argo CD / Helm migration)
/// and labelled for a ModelDeployment of this name are adopted when it comes back, as a ReplicaSet adopts
/// matching orphan pods: otherwise their names block it for good (pure).
/// </summary>
internal static class ChildAdoption
{
    /// <summary>Carries our label for this name and has no controller: an earlier object of this name's child.</summary>
    public static bool IsOrphanOf(IKubernetesObject<V1ObjectMeta>? child, ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(md);
        return child?.Metadata is { } meta
            && meta.DeletionTimestamp is null
            && meta.Labels?.TryGetValue(ModelDeploymentLabels.ModelDeployment, out var owner) == true && owner == md.Metadata.Name
            && meta.OwnerReferences?.Any(o => o.Controller == true) != true;
    }

    /// <summary>
    /// A merge patch that makes the model deployment the child's controller, keeping its other owners; guarded by
    /// the cached resourceVersion, so a child changed meanwhile is looked at again rather than taken blindly.
    /// </summary>
    public static JsonObject Patch(IKubernetesObject<V1ObjectMeta> child, ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(child);
        var owners = new JsonArray();
        foreach (var existing in child.Metadata.OwnerReferences ?? [])
        {
            owners.Add(JsonNode.Parse(KubernetesJson.Serialize(existing)));
        }

        owners.Add(JsonNode.Parse(KubernetesJson.Serialize(OwnerMapping.ControllerReference(md))));
        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = child.Metadata.ResourceVersion,
                ["ownerReferences"] = owners,
            },
        };
    }
}
