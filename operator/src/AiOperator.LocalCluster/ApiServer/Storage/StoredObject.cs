using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// A committed object. What the store keeps is its serialized bytes (what etcd keeps) and the few
// fields the store itself indexes on; the JSON tree is held only weakly and parsed again when a reader
// asks after the garbage collector took it. A parsed tree costs 5-10 times its JSON, and at 1,000
// ModelDeployments the store and its watch history hold tens of thousands of objects.
internal sealed class StoredObject
{
    private readonly WeakReference<JsonObject> _tree;

    public StoredObject(ObjectRef reference, JsonObject obj, byte[] json, long resourceVersion)
    {
        Ref = reference;
        Json = json;
        ResourceVersion = resourceVersion;
        ApiVersion = JsonTree.AsString(obj["apiVersion"]);
        Uid = obj.Uid();
        OwnerUids = [.. (obj.Obj("metadata").Arr("ownerReferences") ?? []).Select(o => o.Str("uid")).OfType<string>()];
        _tree = new WeakReference<JsonObject>(obj);
    }

    public ObjectRef Ref { get; }

    public byte[] Json { get; }

    public long ResourceVersion { get; }

    public string? ApiVersion { get; }

    public string Uid { get; }

    public IReadOnlyList<string> OwnerUids { get; }

    // Frozen (see JsonTree.Freeze): shared between readers, never mutated; MutableCopy for a writer.
    public JsonObject Object
    {
        get
        {
            if (_tree.TryGetTarget(out var tree))
            {
                return tree;
            }

            tree = JsonNode.Parse(Json)!.AsObject();
            JsonTree.Freeze(tree);
            _tree.SetTarget(tree);
            return tree;
        }
    }

    // A fresh tree straight from the bytes: cheaper than parsing, freezing and cloning.
    public JsonObject MutableCopy() => JsonNode.Parse(Json)!.AsObject();

    // The object as a KubernetesClient model, decoded from the bytes, for code that reasons over typed
    // objects (RBAC, eviction, quota admission).
    public T Decode<T>() => k8s.KubernetesJson.Deserialize<T>(System.Text.Encoding.UTF8.GetString(Json));
}
