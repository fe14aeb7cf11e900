using System.Globalization;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Http;

namespace AiOperator.LocalCluster.ApiServer.Patching;

// RFC 6902 with RFC 6901 pointers; failures are 422 like kube-apiserver's json-patch errors.
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw ApiErrors.BadRequest("json patch: the patch must be a JSON array of operations");
        }

        var root = new JsonObject { ["doc"] = document };
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject op)
            {
                throw Fail($"operation {i} is not an object");
            }

            var name = JsonTree.AsString(op["op"]) ?? throw Fail($"operation {i}: missing \"op\"");
            var path = JsonTree.AsString(op["path"]) ?? throw Fail($"operation {i}: missing \"path\"");
            switch (name)
            {
                case "add":
                    Add(root, path, Value(op, i));
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    Add(root, path, Value(op, i));
                    break;
                case "move":
                    var moveFrom = JsonTree.AsString(op["from"]) ?? throw Fail($"operation {i}: missing \"from\"");
                    var moved = Remove(root, moveFrom);
                    Add(root, path, moved);
                    break;
                case "copy":
                    var copyFrom = JsonTree.AsString(op["from"]) ?? throw Fail($"operation {i}: missing \"from\"");
                    Add(root, path, Get(root, copyFrom)?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), Value(op, i)))
                    {
                        throw Fail($"testing value {path} failed");
                    }

                    break;
                default:
                    throw Fail($"Unexpected kind: {name}");
            }
        }

        var result = root["doc"] ?? throw Fail("the patch removed the whole document");
        root.Remove("doc");
        return result;
    }

    private static JsonNode? Value(JsonObject op, int index)
    {
        if (!op.ContainsKey("value"))
        {
            throw Fail($"operation {index}: missing \"value\"");
        }

        return op["value"]?.DeepClone();
    }

    private static ApiException Fail(string message) => new(422, "Invalid", message);

    private static (JsonNode Parent, string Token) Resolve(JsonObject root, string pointer)
    {
        if (pointer.Length > 0 && pointer[0] != '/')
        {
            throw Fail($"invalid JSON pointer \"{pointer}\"");
        }

        var tokens = pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        JsonNode parent = root;
        var token = "doc";
        foreach (var next in tokens)
        {
            var child = Child(parent, token) ?? throw Fail($"doc is missing path: \"{pointer}\": missing value");
            parent = child;
            token = next;
        }

        return (parent, token);
    }

    private static JsonNode? Child(JsonNode parent, string token) => parent switch
    {
        JsonObject obj => obj[token],
        JsonArray array when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
        _ => null,
    };

    private static JsonNode? Get(JsonObject root, string pointer)
    {
        var (parent, token) = Resolve(root, pointer);
        return Child(parent, token);
    }

    private static void Add(JsonObject root, string pointer, JsonNode? value)
    {
        var (parent, token) = Resolve(root, pointer);
        switch (parent)
        {
            case JsonObject obj:
                obj.Remove(token);
                obj[token] = value;
                break;
            case JsonArray array:
                if (token == "-")
                {
                    array.Add(value);
                }
                else if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= array.Count)
                {
                    array.Insert(i, value);
                }
                else
                {
                    throw Fail($"add operation does not apply: doc is missing path: \"{pointer}\"");
                }

                break;
            default:
                throw Fail($"add operation does not apply: doc is missing path: \"{pointer}\"");
        }
    }

    private static JsonNode? Remove(JsonObject root, string pointer)
    {
        var (parent, token) = Resolve(root, pointer);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(token):
                var value = obj[token];
                obj.Remove(token);
                return value;
            case JsonArray array when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count:
                var item = array[i];
                array.RemoveAt(i);
                return item;
            default:
                throw Fail($"remove operation does not apply: doc is missing path: \"{pointer}\"");
        }
    }
}
