using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Client;

/// <summary>The REST calls the framework makes; every call is counted and transient failures are retried.</summary>
public interface IKubeApi
{
    /// <summary>Lists for an informer cache: items come without metadata.managedFields (see <see cref="WatchAsync{T}"/>).</summary>
    Task<KubeList<T>> ListAsync<T>(ResourceKind kind, string? ns, ListRequest request, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>
    /// One watch connection; ends when the server closes it, throws <see cref="KubeApiException"/> on ERROR events.
    /// Objects come without metadata.managedFields: they feed informer caches, which drop them as
    /// kube-controller-manager's do, so they are skipped while decoding instead of decoded and dropped.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(ResourceKind kind, string? ns, WatchRequest request, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Reads straight from the API server (null on 404); reconcilers read from informer caches instead.</summary>
    Task<T?> GetAsync<T>(ResourceKind kind, string? ns, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<T> CreateAsync<T>(ResourceKind kind, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>PUT with the object's resourceVersion: a stale copy gets 409.</summary>
    Task<T> ReplaceAsync<T>(ResourceKind kind, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<T> PatchAsync<T>(ResourceKind kind, string? ns, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>False when the object was already gone.</summary>
    Task<bool> DeleteAsync(ResourceKind kind, string? ns, string name, string propagationPolicy, CancellationToken cancellationToken);

    /// <summary>GET an arbitrary path (discovery, CRDs): true on 2xx, false on 404.</summary>
    Task<bool> ExistsAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// The same client with every call tried once, no retry pipeline: for callers that bound each call by
    /// their own deadline and retry on their own schedule (leader election must never wait out retries).
    /// </summary>
    IKubeApi SingleAttempt() => this;
}
