using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AiOperator.ControllerRuntime.Client;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Fakes;

// Answers lists and watches from scripts, to drive an informer through exact sequences
// (expired continue tokens, ERROR events) that a real server produces only by chance.
internal sealed class ScriptedKubeApi : IKubeApi
{
    public ConcurrentQueue<Func<ListRequest, object>> Lists { get; } = new();

    public ConcurrentQueue<Func<WatchRequest, IEnumerable<object>>> Watches { get; } = new();

    public ConcurrentQueue<string> Log { get; } = new();

    public Task<KubeList<T>> ListAsync<T>(ResourceKind kind, string? ns, ListRequest request, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        Log.Enqueue($"LIST continue={request.Continue}");
        if (!Lists.TryDequeue(out var next))
        {
            return Task.FromException<KubeList<T>>(new InvalidOperationException("no list scripted"));
        }

        return next(request) switch
        {
            KubeList<T> page => Task.FromResult(page),
            Exception ex => Task.FromException<KubeList<T>>(ex),
            var other => throw new InvalidOperationException($"bad script step {other}"),
        };
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(ResourceKind kind, string? ns, WatchRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        Log.Enqueue($"WATCH rv={request.ResourceVersion}");
        if (!Watches.TryDequeue(out var next))
        {
            // Nothing more scripted: behave like a quiet, open watch.
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield break;
        }

        foreach (var step in next(request))
        {
            if (step is Exception ex)
            {
                throw ex;
            }

            yield return (WatchEvent<T>)step;
        }
    }

    public Task<T?> GetAsync<T>(ResourceKind kind, string? ns, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => throw new InvalidOperationException("unexpected GET");

    public Task<T> CreateAsync<T>(ResourceKind kind, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => throw new InvalidOperationException("unexpected POST");

    public Task<T> ReplaceAsync<T>(ResourceKind kind, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => throw new InvalidOperationException("unexpected PUT");

    public Task<T> PatchAsync<T>(ResourceKind kind, string? ns, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => throw new InvalidOperationException("unexpected PATCH");

    public Task<bool> DeleteAsync(ResourceKind kind, string? ns, string name, string propagationPolicy, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("unexpected DELETE");

    public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) => throw new InvalidOperationException("unexpected GET");
}
