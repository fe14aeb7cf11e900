using System.Text.Json;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Schema;

namespace AiOperator.LocalCluster.ApiServer.Patching;

// The fieldsV1 vocabulary: f:<field>, k:<key json> for keyed list items (with "." for the item itself),
// v:<value json> for set items. Atomic lists and scalars are leaves.
internal static class FieldPaths
{
    public const char Separator = '\n';

    private static readonly HashSet<string> SystemMetadata = new(StringComparer.Ordinal)
    {
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
    };

    public static HashSet<string> Leaves(JsonObject obj, StructuralSchema? schema, bool builtin) => Leaves(obj, schema, builtin, before: null, changed: null);

    // The leaf paths of obj. With `changed`, the same walk also collects the leaves whose value differs
    // in `before` (the stored object) or that it lacks (every leaf when before is null), keeping each
    // side's node in step: one pass instead of resolving every path again in both objects, which was
    // most of what an update allocated.
    public static HashSet<string> Leaves(JsonObject obj, StructuralSchema? schema, bool builtin, JsonObject? before, HashSet<string>? changed)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        CollectObject(obj, before, before is not null, "", schema, builtin, isRoot: true, inMetadata: false, paths, changed);
        return paths;
    }

    // The same, for the leaves under one non-empty top-level object only (the status of a status-subresource
    // write, which changes nothing else): null when obj has no such object, for the caller to walk it all.
    public static HashSet<string>? LeavesUnder(string field, JsonObject obj, StructuralSchema? schema, bool builtin, JsonObject? before, HashSet<string>? changed)
    {
        if (obj[field] is not JsonObject { Count: > 0 } child)
        {
            return null;
        }

        JsonNode? oldChild = null;
        var found = before is not null && before.TryGetPropertyValue(field, out oldChild);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        CollectObject(child, oldChild, found, "f:" + field, MergeKeys.Child(schema, field), builtin, isRoot: false, inMetadata: false, paths, changed);
        return paths;
    }

    // True for "f:<field>" itself and every path below it.
    public static bool IsUnder(string path, string field) =>
        path.Length >= field.Length + 2
        && path.StartsWith("f:", StringComparison.Ordinal)
        && string.CompareOrdinal(path, 2, field, 0, field.Length) == 0
        && (path.Length == field.Length + 2 || path[field.Length + 2] == '\n');

    private static void CollectObject(JsonObject obj, JsonNode? old, bool oldFound, string prefix, StructuralSchema? schema, bool builtin, bool isRoot, bool inMetadata, HashSet<string> paths, HashSet<string>? changed)
    {
        var oldObject = oldFound ? old as JsonObject : null;
        foreach (var (key, value) in obj)
        {
            if ((isRoot && key is "apiVersion" or "kind") || (inMetadata && SystemMetadata.Contains(key)))
            {
                continue;
            }

            JsonNode? oldChild = null;
            var childFound = oldObject is not null && oldObject.TryGetPropertyValue(key, out oldChild);
            var path = Join(prefix, "f:" + key);
            var childSchema = MergeKeys.Child(schema, key);
            switch (value)
            {
                case JsonObject child when child.Count > 0:
                    CollectObject(child, oldChild, childFound, path, childSchema, builtin, false, isRoot && key == "metadata", paths, changed);
                    break;
                case JsonArray list:
                    var strategy = MergeKeys.For(key, list, null, childSchema, builtin, inMetadata);
                    var oldList = childFound ? oldChild as JsonArray : null;
                    if (strategy.Kind == ListStrategyKind.MergeByKey && list.All(i => i is JsonObject o && o.ContainsKey(strategy.Key!)))
                    {
                        foreach (var item in list.Cast<JsonObject>())
                        {
                            var itemPath = Join(path, ItemKey(strategy.Key!, item));
                            var oldItem = oldList is null ? null : FindByKey(oldList, strategy.Key!, item[strategy.Key!]);
                            Add(Join(itemPath, "."), paths, changed, isChanged: oldItem is null);
                            CollectObject(item, oldItem, oldItem is not null, itemPath, childSchema?.Items, builtin, false, false, paths, changed);
                        }
                    }
                    else if (strategy.Kind == ListStrategyKind.Set)
                    {
                        foreach (var item in list)
                        {
                            // A null member counts as present wherever the list is (as Resolve reads "v:null").
                            var present = childFound && (item is null || (oldList is not null && oldList.Any(o => JsonNode.DeepEquals(o, item))));
                            Add(Join(path, "v:" + (item?.ToJsonString() ?? "null")), paths, changed, isChanged: !present);
                        }
                    }
                    else
                    {
                        Add(path, paths, changed, isChanged: !childFound || !JsonNode.DeepEquals(oldChild, list));
                    }

                    break;
                default:
                    Add(path, paths, changed, isChanged: !childFound || !JsonNode.DeepEquals(oldChild, value));
                    break;
            }
        }
    }

    private static void Add(string path, HashSet<string> paths, HashSet<string>? changed, bool isChanged)
    {
        paths.Add(path);
        if (isChanged)
        {
            changed?.Add(path);
        }
    }

    // The item of a keyed list whose merge key equals `keyValue` (what a "k:" segment names).
    private static JsonObject? FindByKey(JsonArray list, string key, JsonNode? keyValue)
    {
        foreach (var candidate in list)
        {
            if (candidate is JsonObject item && JsonNode.DeepEquals(item[key], keyValue))
            {
                return item;
            }
        }

        return null;
    }

    public static string ItemKey(string key, JsonObject item) =>
        "k:" + new JsonObject { [key] = item[key]?.DeepClone() }.ToJsonString();

    // Resolves a path in an object; found=false when any step is missing.
    public static (bool Found, JsonNode? Value) Resolve(JsonNode? root, string path)
    {
        var node = root;
        foreach (var segment in path.Split(Separator))
        {
            switch (segment)
            {
                case ".":
                    continue;
                case var f when f.StartsWith("f:", StringComparison.Ordinal):
                    if (node is not JsonObject obj || !obj.ContainsKey(f[2..]))
                    {
                        return (false, null);
                    }

                    node = obj[f[2..]];
                    break;
                case var k when k.StartsWith("k:", StringComparison.Ordinal):
                    var keyObj = JsonNode.Parse(k[2..]) as JsonObject;
                    node = (node as JsonArray)?.FirstOrDefault(i => i is JsonObject io && keyObj!.All(p => JsonNode.DeepEquals(io[p.Key], p.Value)));
                    if (node is null)
                    {
                        return (false, null);
                    }

                    break;
                case var v when v.StartsWith("v:", StringComparison.Ordinal):
                    var wanted = JsonNode.Parse(v[2..]);
                    node = (node as JsonArray)?.FirstOrDefault(i => JsonNode.DeepEquals(i, wanted));
                    if (node is null && wanted is not null)
                    {
                        return (false, null);
                    }

                    break;
                default:
                    return (false, null);
            }
        }

        return (true, node);
    }

    // Removes the field or list item a path names; used when an applier stops applying a field.
    public static void Remove(JsonNode? root, string path)
    {
        var segments = path.Split(Separator).ToList();
        if (segments[^1] == ".")
        {
            segments.RemoveAt(segments.Count - 1);
        }

        var (found, parent) = Resolve(root, string.Join(Separator, segments.Take(segments.Count - 1)));
        if (!found)
        {
            return;
        }

        var last = segments[^1];
        if (last.StartsWith("f:", StringComparison.Ordinal) && parent is JsonObject obj)
        {
            obj.Remove(last[2..]);
        }
        else if (parent is JsonArray array)
        {
            var (itemFound, item) = Resolve(array, last);
            if (itemFound && item is not null)
            {
                array.Remove(item);
            }
        }
    }

    public static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var segment in path.Split(Separator))
            {
                if (node[segment] is not JsonObject next)
                {
                    next = new JsonObject();
                    node[segment] = next;
                }

                node = next;
            }
        }

        return root;
    }

    public static HashSet<string> FromFieldsV1(JsonObject? tree)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        if (tree is not null)
        {
            Walk(tree, "", paths);
        }

        return paths;
    }

    private static void Walk(JsonObject tree, string prefix, HashSet<string> paths)
    {
        foreach (var (key, value) in tree)
        {
            var path = Join(prefix, key);
            if (value is JsonObject child && child.Count > 0)
            {
                Walk(child, path, paths);
            }
            else
            {
                paths.Add(path);
            }
        }
    }

    private static string Join(string prefix, string segment) => prefix.Length == 0 ? segment : prefix + Separator + segment;

    public static string Display(string path) =>
        string.Concat(path.Split(Separator).Select(s => s switch
        {
            "." => "",
            var f when f.StartsWith("f:", StringComparison.Ordinal) => "." + f[2..],
            var k when k.StartsWith("k:", StringComparison.Ordinal) => "[" + k[2..] + "]",
            var v when v.StartsWith("v:", StringComparison.Ordinal) => "[" + v[2..] + "]",
            _ => s,
        }));

    public static bool IsScalar(JsonNode? node) => node is null || node.GetValueKind() is not (JsonValueKind.Object or JsonValueKind.Array);
}
