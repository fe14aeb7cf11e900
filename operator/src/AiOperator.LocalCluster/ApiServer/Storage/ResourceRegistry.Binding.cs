using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Resources;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// pods/binding: what kube-scheduler posts to place a pod. Sets spec.nodeName and PodScheduled=True
// in one write, refusing a pod that is already bound or being deleted (409), as the real BindingREST does.
internal sealed partial class ResourceRegistry
{
    public const string BindingSubresource = "binding";

    public WriteResult Bind(ResourceType type, string ns, string name, JsonObject binding, WriteContext ctx)
    {
        var target = binding.Obj("target");
        var node = target.Str("name");
        if (string.IsNullOrEmpty(node))
        {
            throw ApiErrors.Invalid("", "Binding", name, [Schema.FieldError.Required("target.name")]);
        }

        if (target.Str("kind") is { Length: > 0 } kind && kind != "Node")
        {
            throw ApiErrors.Invalid("", "Binding", name, [Schema.FieldError.NotSupported("target.kind", $"\"{kind}\"", ["\"Node\""])]);
        }

        lock (_store.Gate)
        {
            var existing = _store.Get(type.StoreKey, ns, name) ?? throw Http.ApiErrors.NotFound(type.Group, type.Plural, name);
            var pod = existing.Object;
            if (binding.Obj("metadata").Str("uid") is { Length: > 0 } uid && uid != pod.Uid())
            {
                throw ApiErrors.Conflict(type.Group, type.Plural, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {pod.Uid()}");
            }

            if (pod.Obj("metadata")?["deletionTimestamp"] is not null)
            {
                throw ApiErrors.Conflict(type.Group, type.Plural, name, "pod is being deleted, cannot be assigned to a host");
            }

            if (pod.Obj("spec").Str("nodeName") is { Length: > 0 } bound)
            {
                throw ApiErrors.Conflict(type.Group, type.Plural, name, $"pod {name} is already assigned to node \"{bound}\"");
            }

            var next = (JsonObject)pod.DeepClone();
            next.EnsureObj("spec")["nodeName"] = node;
            var status = next.EnsureObj("status");
            var conditions = status.Arr("conditions") ?? [];
            var kept = new JsonArray(conditions.Where(c => c.Str("type") != "PodScheduled").Select(c => c?.DeepClone()).ToArray());
            kept.Add(new JsonObject
            {
                ["type"] = "PodScheduled",
                ["status"] = "True",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = JsonTree.Rfc3339(_time.GetUtcNow()),
            });
            status["conditions"] = kept;
            return UpdateLocked(type, existing, next, BindingSubresource, ctx);
        }
    }
}
