using System.Diagnostics;
using AiOperator.Api.V1Alpha1;
using k8s;

namespace AiOperator.Benchmarks.Operator;

// Watches a namespace's ModelDeployments and notes the moment the count that is Ready first reaches the
// target. A watch sees every status change as it is stored, so the time is exact (a poll once a second
// rounded it up by up to a second) and each object is decoded once per change instead of once per poll.
// A watch that ends is resumed from the last resourceVersion seen; a 410 Gone lists again.
internal sealed class ReadyWatch(IKubernetes client, string ns, int target, Stopwatch clock)
{
    private readonly HashSet<string> _ready = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<TimeSpan> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TimeSpan> Reached => _reached.Task;

    public int ReadyCount
    {
        get
        {
            lock (_ready)
            {
                return _ready.Count;
            }
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        string? resourceVersion = null;
        while (!ct.IsCancellationRequested && !_reached.Task.IsCompleted)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<ModelDeploymentList>(GroupVersion.Group, GroupVersion.Version, ns, ModelDeployment.Plural, cancellationToken: ct);
                    lock (_ready)
                    {
                        _ready.Clear();
                    }

                    foreach (var md in list.Items)
                    {
                        Observe(md, deleted: false);
                    }

                    resourceVersion = list.Metadata?.ResourceVersion;
                }

                var watch = client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(GroupVersion.Group, GroupVersion.Version, ns, ModelDeployment.Plural, watch: true, resourceVersion: resourceVersion, allowWatchBookmarks: true, cancellationToken: ct);
#pragma warning disable CS0618 // the generic watch extension serves a custom resource without a generated method
                await foreach (var (type, md) in watch.WatchAsync<ModelDeployment, object>(onError: null, cancellationToken: ct))
#pragma warning restore CS0618
                {
                    if (type == WatchEventType.Error)
                    {
                        resourceVersion = null;
                        break;
                    }

                    resourceVersion = md.Metadata?.ResourceVersion ?? resourceVersion;
                    if (type != WatchEventType.Bookmark)
                    {
                        Observe(md, deleted: type == WatchEventType.Deleted);
                    }

                    if (_reached.Task.IsCompleted)
                    {
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (k8s.Autorest.HttpOperationException ex) when ((int)ex.Response.StatusCode == 410)
            {
                resourceVersion = null;
            }
        }
    }

    private void Observe(ModelDeployment md, bool deleted)
    {
        var name = md.Metadata?.Name;
        if (name is null)
        {
            return;
        }

        lock (_ready)
        {
            if (!deleted && md.Status?.Phase == ModelDeploymentPhase.Ready)
            {
                _ready.Add(name);
            }
            else
            {
                _ready.Remove(name);
            }

            if (_ready.Count >= target)
            {
                _reached.TrySetResult(clock.Elapsed);
            }
        }
    }
}
