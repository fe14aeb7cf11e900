using System.Text.Json.Nodes;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Informers;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>
/// Writes status through the status subresource, and only when it changed: the desired status is
/// compared with the cached object's, and equal means no call (a no-op reconcile writes nothing).
/// The patch carries the cached resourceVersion: a patch computed from a stale copy would only send the
/// fields that differ from that copy and could leave a newer write's field in place, so the API server
/// refuses it (409) and the reconcile runs again on a fresh cache.
/// Set observedGeneration = metadata.generation and use <see cref="Conditions.Set(IEnumerable{V1Condition}?, V1Condition, DateTimeOffset)"/> in the desired status.
/// </summary>
public sealed class StatusWriter(IKubeApi api, StatusEchoes? echoes = null)
{
    public async Task<WriteResult<T>> UpdateAsync<T>(T cached, object desiredStatus, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(cached);
        ArgumentNullException.ThrowIfNull(desiredStatus);
        var desired = ObjectJson.ToNode(desiredStatus);
        var kind = ResourceKind.For<T>();
        var current = StatusOf(cached);
        var diff = JsonMergeDiff.Full(current, desired);
        if (diff is null)
        {
            if (echoes?.HasUnseenWrite(kind, ObjectKey.Of(cached), current, desired) != true)
            {
                return new WriteResult<T>(WriteOutcome.Unchanged, cached);
            }

            // The cache is behind this process's own last write, which set something else: "unchanged" would
            // keep that newer status, decided on older facts, and its echo starts no reconcile to correct it.
            // Sending the whole status under the cached resourceVersion either fails (409: the object moved on;
            // the reconcile is retried on a fresher copy) or, when the cache was current after all, is harmless.
            diff = desired as JsonObject ?? new JsonObject();
        }

        var body = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = cached.Metadata.ResourceVersion },
            ["status"] = diff,
        };

        // Recorded before sending: the watch may deliver the result before the response arrives.
        echoes?.Record(kind, ObjectKey.Of(cached), desired);
        var patch = new KubePatch(PatchType.Merge, body.ToJsonString(), Subresource: "status");
        var patched = await api.PatchAsync<T>(kind, cached.Metadata.NamespaceProperty, cached.Metadata.Name, patch, cancellationToken);
        return new WriteResult<T>(WriteOutcome.Patched, patched);
    }

    /// <summary>The status merge patch, or null when the cached status already equals desired (pure).</summary>
    public static JsonObject? StatusPatch<T>(T cached, object desiredStatus)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Diff(cached, ObjectJson.ToNode(desiredStatus));

    /// <summary>The status of an object as JSON, in the form <see cref="StatusEchoes"/> compares.</summary>
    /// <remarks>
    /// Only the status is serialized, not the whole object around it: this runs for every reconcile (most
    /// write nothing, and the comparison is how they find out) and for every primary event (echo check).
    /// </remarks>
    public static JsonNode? StatusOf<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        StatusProperty<T>.Info is { } status
            ? ObjectJson.ToNode(status.GetValue(obj))
            : JsonNode.Parse(ObjectJson.ToUtf8(obj))?["status"];

    private static JsonObject? Diff<T>(T cached, JsonNode? desired)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        JsonMergeDiff.Full(StatusOf(cached), desired);

    private static class StatusProperty<T>
    {
        public static readonly System.Reflection.PropertyInfo? Info = typeof(T).GetProperty("Status");
    }
}
