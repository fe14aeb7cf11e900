using k8s;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Workloads;

// Objects grouped by the uid of their controller ownerReference, built once per reconcile pass: a
// lookup per owner instead of a scan of every pod or ReplicaSet per owner, which made each pass
// quadratic at a thousand Deployments.
internal static class ControllerIndex
{
    public static Dictionary<string, List<T>> ByControllerUid<T>(IEnumerable<T> items)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var index = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            foreach (var owner in item.Metadata.OwnerReferences ?? [])
            {
                if (owner.Controller != true || owner.Uid is null)
                {
                    continue;
                }

                if (!index.TryGetValue(owner.Uid, out var list))
                {
                    list = [];
                    index[owner.Uid] = list;
                }

                list.Add(item);
            }
        }

        return index;
    }

    // What ownerUid controls in its namespace (uids are unique, the namespace check keeps the old rule).
    public static IEnumerable<T> Controlled<T>(Dictionary<string, List<T>> index, string? ownerUid, string? ns)
        where T : IKubernetesObject<V1ObjectMeta> =>
        ownerUid is not null && index.TryGetValue(ownerUid, out var list)
            ? list.Where(i => i.Metadata.NamespaceProperty == ns)
            : [];
}
