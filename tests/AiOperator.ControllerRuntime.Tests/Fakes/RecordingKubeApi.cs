using System.Runtime.CompilerServices;
using AiOperator.ControllerRuntime.Client;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Fakes;

// Records every write; reads are not expected in these unit tests and fail loudly.
internal sealed class RecordingKubeApi : IKubeApi
{
    public List<(string Verb, string Path, string? Body)> Calls { get; } = [];

    public Exception? FailWrites { get; set; }

    public Task<KubeList<T>> ListAsync<T>(ResourceKind kind, string? ns, ListRequest request, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => throw new InvalidOperationException("unexpected LIST");

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(ResourceKind kind, string? ns, WatchRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        await Task.Yield();
        throw new InvalidOperationException("unexpected WATCH");
#pragma warning disable CS0162 // an async iterator needs a yield somewhere
        yield break;
#pragma warning restore CS0162
    }

    public Task<T?> GetAsync<T>(ResourceKind kind, string? ns, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => throw new InvalidOperationException("unexpected GET");

    public Task<T> CreateAsync<T>(ResourceKind kind, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Record("POST", kind.CollectionPath(obj.Metadata.NamespaceProperty), KubernetesJson.Serialize(obj), obj);

    public Task<T> ReplaceAsync<T>(ResourceKind kind, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Record("PUT", kind.ObjectPath(obj.Metadata.NamespaceProperty, obj.Metadata.Name), KubernetesJson.Serialize(obj), obj);

    public Task<T> PatchAsync<T>(ResourceKind kind, string? ns, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Record("PATCH", kind.ObjectPath(ns, name, patch.Subresource), patch.Body, KubernetesJson.Deserialize<T>($"{{\"metadata\":{{\"name\":\"{name}\",\"namespace\":\"{ns}\"}}}}"));

    public Task<bool> DeleteAsync(ResourceKind kind, string? ns, string name, string propagationPolicy, CancellationToken cancellationToken) =>
        Record("DELETE", kind.ObjectPath(ns, name), propagationPolicy, true);

    public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) => throw new InvalidOperationException("unexpected GET");

    private Task<TResult> Record<TResult>(string verb, string path, string? body, TResult result)
    {
        Calls.Add((verb, path, body));
        return FailWrites is { } ex ? Task.FromException<TResult>(ex) : Task.FromResult(result);
    }
}
