using System.Text.Json.Nodes;
using AiOperator.ControllerRuntime.Client;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>
/// Writes for reconcilers: create-or-patch of children that makes zero calls when nothing differs,
/// merge and server-side-apply patches, deletes, finalizer edits. Reads never happen here.
/// </summary>
public sealed class ResourceWriter(IKubeApi api, string fieldManager = "aioperator", TimeProvider? timeProvider = null)
{
    // How long a created object stands in for the cache's copy. Informers see a create within
    // milliseconds; the window only has to cover a reconcile that starts before the watch event lands.
    private static readonly TimeSpan CreatedWindow = TimeSpan.FromSeconds(30);

    private readonly RecentCreates _recent = new(timeProvider ?? TimeProvider.System, CreatedWindow);

    // Server-owned metadata: never part of what a reconciler asserts.
    private static readonly string[] AssertedMetadata = ["labels", "annotations", "ownerReferences", "finalizers"];

    public string FieldManager => fieldManager;

    /// <summary>
    /// Creates desired when existing (from the cache) is null; otherwise patches only the fields of
    /// desired that differ from existing, and makes no call at all when none do.
    /// </summary>
    public async Task<WriteResult<T>> CreateOrPatchAsync<T>(T desired, T? existing, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(desired);
        var kind = ResourceKind.For<T>();
        var key = RecentCreates.Key(kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name);
        if (existing is not null)
        {
            _recent.Forget(key);
        }
        else if (_recent.Contains(key))
        {
            // Read-your-writes: a child this writer just created, not yet in the cache, is not created
            // twice; the next reconcile after its watch event compares it for real.
            return new WriteResult<T>(WriteOutcome.Unchanged, desired);
        }
        else
        {
            var created = await api.CreateAsync(kind, desired, cancellationToken);
            _recent.Remember(key);
            return new WriteResult<T>(WriteOutcome.Created, created);
        }

        var patch = DriftPatch(existing, desired);
        if (patch is null)
        {
            return new WriteResult<T>(WriteOutcome.Unchanged, existing);
        }

        var patched = await api.PatchAsync<T>(
            kind, existing.Metadata.NamespaceProperty, existing.Metadata.Name, new KubePatch(PatchType.Merge, patch.ToJsonString()), cancellationToken);
        return new WriteResult<T>(WriteOutcome.Patched, patched);
    }

    /// <summary>The merge patch that would bring existing in line with desired, or null (pure).</summary>
    public static JsonObject? DriftPatch<T>(T existing, T desired)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var want = (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(desired))!;
        want.Remove("status");
        want.Remove("kind");
        want.Remove("apiVersion");
        if (want["metadata"] is JsonObject meta)
        {
            foreach (var name in meta.Select(p => p.Key).Where(k => !AssertedMetadata.Contains(k)).ToList())
            {
                meta.Remove(name);
            }
        }

        var have = JsonNode.Parse(KubernetesJson.Serialize(existing));
        return JsonMergeDiff.Subset(have, want);
    }

    /// <summary>
    /// An uncached read, for the rare write a stale cache must not decide: adopting an orphan for an owner the
    /// cache still shows after it was deleted (client-go's ControllerRefManager rechecks the owner the same way).
    /// Null when the object does not exist.
    /// </summary>
    public Task<T?> GetLiveAsync<T>(string? ns, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        api.GetAsync<T>(ResourceKind.For<T>(), ns, name, cancellationToken);

    public Task<T> CreateAsync<T>(T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        api.CreateAsync(ResourceKind.For<T>(), obj, cancellationToken);

    public Task<T> PatchAsync<T>(string? ns, string name, JsonNode patch, CancellationToken cancellationToken, PatchType type = PatchType.Merge)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(patch);
        return api.PatchAsync<T>(ResourceKind.For<T>(), ns, name, new KubePatch(type, patch.ToJsonString()), cancellationToken);
    }

    /// <summary>Server-side apply of the whole desired object under this writer's field manager.</summary>
    public Task<T> ApplyAsync<T>(T desired, CancellationToken cancellationToken, bool force = true)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(desired);
        var kind = ResourceKind.For<T>();
        desired.ApiVersion ??= kind.ApiVersion;
        desired.Kind ??= kind.Kind;
        var patch = new KubePatch(PatchType.Apply, KubernetesJson.Serialize(desired), FieldManager: fieldManager, Force: force);
        return api.PatchAsync<T>(kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name, patch, cancellationToken);
    }

    /// <summary>Deletes with background propagation; Unchanged when it was already gone.</summary>
    public async Task<WriteOutcome> DeleteAsync<T>(string? ns, string name, CancellationToken cancellationToken, string propagationPolicy = "Background")
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var kind = ResourceKind.For<T>();
        _recent.Forget(RecentCreates.Key(kind, ns, name));
        return await api.DeleteAsync(kind, ns, name, propagationPolicy, cancellationToken) ? WriteOutcome.Deleted : WriteOutcome.Unchanged;
    }

    /// <summary>Adds the finalizer unless present; guarded by resourceVersion so a stale cache gets 409 (requeue).</summary>
    public async Task<WriteResult<T>> AddFinalizerAsync<T>(T obj, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        var list = Finalizers.WithAdded(obj.Metadata.Finalizers, finalizer);
        return list is null ? new WriteResult<T>(WriteOutcome.Unchanged, obj) : await PatchFinalizersAsync(obj, list, cancellationToken);
    }

    public async Task<WriteResult<T>> RemoveFinalizerAsync<T>(T obj, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        var list = Finalizers.WithRemoved(obj.Metadata.Finalizers, finalizer);
        return list is null ? new WriteResult<T>(WriteOutcome.Unchanged, obj) : await PatchFinalizersAsync(obj, list, cancellationToken);
    }

    private async Task<WriteResult<T>> PatchFinalizersAsync<T>(T obj, List<string> finalizers, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = obj.Metadata.ResourceVersion,
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)JsonValue.Create(f)!)]),
            },
        };
        var patched = await PatchAsync<T>(obj.Metadata.NamespaceProperty, obj.Metadata.Name, patch, cancellationToken);
        return new WriteResult<T>(WriteOutcome.Patched, patched);
    }
}
