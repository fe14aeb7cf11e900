using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>Finalizer decisions; the reconciler adds its finalizer explicitly (never on every event) and removes it after cleanup.</summary>
public static class Finalizers
{
    public static bool Has(IKubernetesObject<V1ObjectMeta> obj, string finalizer)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata?.Finalizers?.Contains(finalizer) == true;
    }

    public static bool IsBeingDeleted(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata?.DeletionTimestamp is not null;
    }

    /// <summary>The finalizer list with the finalizer added, or null when it is already there.</summary>
    public static List<string>? WithAdded(IEnumerable<string>? current, string finalizer)
    {
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        var list = current?.ToList() ?? [];
        if (list.Contains(finalizer))
        {
            return null;
        }

        list.Add(finalizer);
        return list;
    }

    /// <summary>The finalizer list without the finalizer, or null when it was not there.</summary>
    public static List<string>? WithRemoved(IEnumerable<string>? current, string finalizer)
    {
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        var list = current?.ToList() ?? [];
        return list.RemoveAll(f => f == finalizer) == 0 ? null : list;
    }
}
