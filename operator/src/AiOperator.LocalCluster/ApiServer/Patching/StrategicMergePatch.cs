using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Schema;

namespace AiOperator.LocalCluster.ApiServer.Patching;

// Strategic merge: objects merge recursively, keyed lists merge item by item, $patch / $deleteFromPrimitiveList
// directives are honoured. Also used to merge a server-side-apply configuration into the live object.
internal static class StrategicMergePatch
{
    public static JsonObject Apply(JsonObject original, JsonObject patch, StructuralSchema? schema, bool builtin) =>
        MergeObject(original, patch, schema, builtin, isRoot: true, inMetadata: false) ?? new JsonObject();

    private static JsonObject? MergeObject(JsonObject original, JsonObject patch, StructuralSchema? schema, bool builtin, bool isRoot, bool inMetadata)
    {
        switch (Directive(patch))
        {
            case "replace":
                return (JsonObject)Strip(patch)!;
            case "delete":
                return null;
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (original[field] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var item in list.ToList())
                    {
                        if (remove.Any(r => JsonNode.DeepEquals(r, item)))
                        {
                            list.Remove(item);
                        }
                    }
                }

                continue;
            }

            if (key.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                original.Remove(key);
                continue;
            }

            var childSchema = MergeKeys.Child(schema, key);
            var childInMetadata = isRoot && key == "metadata";
            switch (value)
            {
                case JsonObject patchChild when original[key] is JsonObject originalChild:
                    var merged = MergeObject(originalChild, patchChild, childSchema, builtin, false, childInMetadata);
                    if (merged is null)
                    {
                        original.Remove(key);
                    }
                    else if (!ReferenceEquals(merged, originalChild))
                    {
                        original[key] = merged;
                    }

                    break;
                case JsonObject patchChild:
                    if (Directive(patchChild) == "delete")
                    {
                        original.Remove(key);
                    }
                    else
                    {
                        original[key] = Strip(patchChild);
                    }

                    break;
                case JsonArray patchList:
                    var existing = original[key] as JsonArray;
                    var strategy = MergeKeys.For(key, existing, patchList, childSchema, builtin, inMetadata);
                    original[key] = MergeList(existing, patchList, strategy, childSchema?.Items, builtin);
                    break;
                default:
                    original[key] = value.DeepClone();
                    break;
            }
        }

        return original;
    }

    private static JsonArray MergeList(JsonArray? original, JsonArray patch, ListStrategy strategy, StructuralSchema? itemSchema, bool builtin)
    {
        if (original is null || strategy.Kind == ListStrategyKind.Atomic)
        {
            return (JsonArray)Strip(new JsonArray(patch.Where(p => p is not JsonObject o || Directive(o) is null).Select(p => p?.DeepClone()).ToArray()))!;
        }

        if (strategy.Kind == ListStrategyKind.Set)
        {
            var union = new JsonArray(original.Select(o => o?.DeepClone()).ToArray());
            foreach (var item in patch)
            {
                if (!union.Any(u => JsonNode.DeepEquals(u, item)))
                {
                    union.Add(item?.DeepClone());
                }
            }

            return union;
        }

        var key = strategy.Key!;
        if (patch.Any(p => p is JsonObject o && Directive(o) == "replace"))
        {
            return new JsonArray(patch.Where(p => p is not JsonObject o || Directive(o) is null).Select(Strip).ToArray());
        }

        var items = original.Select(o => o?.DeepClone()).ToList();
        foreach (var patchItem in patch)
        {
            if (patchItem is not JsonObject patchObj || !patchObj.ContainsKey(key))
            {
                items.Add(Strip(patchItem));
                continue;
            }

            var index = items.FindIndex(i => i is JsonObject io && JsonNode.DeepEquals(io[key], patchObj[key]));
            if (Directive(patchObj) == "delete")
            {
                if (index >= 0)
                {
                    items.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0 && items[index] is JsonObject target)
            {
                items[index] = MergeObject(target, patchObj, itemSchema, builtin, false, false);
            }
            else
            {
                items.Add(Strip(patchObj));
            }
        }

        return new JsonArray(items.Where(i => i is not null).ToArray());
    }

    private static string? Directive(JsonObject obj) => JsonTree.AsString(obj["$patch"]);

    private static JsonNode? Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (!key.StartsWith('$'))
                    {
                        copy[key] = Strip(value);
                    }
                }

                return copy;
            case JsonArray array:
                return new JsonArray(array.Select(Strip).ToArray());
            default:
                return node?.DeepClone();
        }
    }
}
