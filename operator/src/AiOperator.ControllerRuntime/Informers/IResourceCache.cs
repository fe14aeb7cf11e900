using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Informers;

/// <summary>
/// Read side of an informer's cache. Objects handed out are shared and must be treated as immutable:
/// copy with <see cref="ObjectCopy.Clone{T}"/> before changing anything.
/// </summary>
public interface IResourceCache<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    int Count { get; }

    bool TryGet(ObjectKey key, out T obj);

    T? Get(string ns, string name);

    /// <summary>Every object, or those of one namespace.</summary>
    IReadOnlyList<T> List(string? ns = null);

    /// <summary>Objects with an ownerReference to this uid.</summary>
    IReadOnlyList<T> ListByOwner(string ownerUid);

    /// <summary>Objects in the namespace carrying label key=value.</summary>
    IReadOnlyList<T> ListByLabel(string? ns, string key, string value);
}
