using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Informers;

/// <summary>
/// Read side of an informer's cache. Every read decodes a private copy: callers may change what they
/// get without affecting the cache or other readers.
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

    /// <summary>Objects in the namespace (all namespaces when null) carrying label key=value; the key must be
    /// one of the informer's <see cref="InformerOptions.IndexedLabels"/>.</summary>
    IReadOnlyList<T> ListByLabel(string? ns, string key, string value);
}
