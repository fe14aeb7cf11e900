using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Informers;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>Pure mapping from a child's ownerReferences to the keys of its owners of one kind (any version of its group).</summary>
public static class OwnerMapping
{
    public static IReadOnlyList<ObjectKey> OwnersOf(V1ObjectMeta? child, ResourceKind ownerKind, bool controllerOnly = true)
    {
        ArgumentNullException.ThrowIfNull(ownerKind);
        if (child?.OwnerReferences is not { Count: > 0 } owners)
        {
            return [];
        }

        var keys = new List<ObjectKey>();
        foreach (var owner in owners)
        {
            if (owner.Kind != ownerKind.Kind || GroupOf(owner.ApiVersion) != ownerKind.Group || string.IsNullOrEmpty(owner.Name))
            {
                continue;
            }

            if (controllerOnly && owner.Controller != true)
            {
                continue;
            }

            // Owner references never cross namespaces: a namespaced owner lives beside its child.
            var key = new ObjectKey(ownerKind.Namespaced ? child.NamespaceProperty ?? string.Empty : string.Empty, owner.Name);
            if (!keys.Contains(key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <summary>A controller ownerReference to put on a child, so garbage collection and owner mapping both work.</summary>
    public static V1OwnerReference ControllerReference(k8s.IKubernetesObject<V1ObjectMeta> owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new V1OwnerReference
        {
            ApiVersion = owner.ApiVersion,
            Kind = owner.Kind,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    private static string GroupOf(string? apiVersion)
    {
        if (string.IsNullOrEmpty(apiVersion))
        {
            return string.Empty;
        }

        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? string.Empty : apiVersion[..slash];
    }
}
