using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiOperator.LocalCluster.ApiServer.Json;

// Small helpers over System.Text.Json.Nodes; objects are kept as JSON so unknown fields survive.
internal static class JsonTree
{
    // Relaxed escaping keeps fieldsV1 keys like v:"x" readable, as kube-apiserver writes them.
    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Dictionary<string, string> EmptyLabels = new(StringComparer.Ordinal);

    // JsonObject parsed from text materialises lazily and that is not thread-safe; stored objects are
    // read by many threads, so every node is touched once before the object is published.
    public static void Freeze(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var pair in obj)
                {
                    Freeze(pair.Value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Freeze(item);
                }

                break;
            case JsonValue value:
                _ = value.GetValueKind();
                break;
        }
    }

    public static JsonObject? Obj(this JsonNode? node, string name) => (node as JsonObject)?[name] as JsonObject;

    public static JsonArray? Arr(this JsonNode? node, string name) => (node as JsonObject)?[name] as JsonArray;

    public static string? Str(this JsonNode? node, string name) =>
        (node as JsonObject)?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long? Long(this JsonNode? node, string name) =>
        AsDouble((node as JsonObject)?[name]) is { } d ? (long)d : null;

    // Numbers parsed from text and numbers created from CLR values need different accessors.
    public static double? AsDouble(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        if (v.TryGetValue<double>(out var d))
        {
            return d;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (v.TryGetValue<decimal>(out var m))
        {
            return (double)m;
        }

        return double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
    }

    public static long? AsLong(JsonNode? node) =>
        AsDouble(node) is { } d && Math.Abs(d % 1) < double.Epsilon ? (long)d : null;

    public static JsonObject EnsureObj(this JsonObject node, string name)
    {
        if (node[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        node[name] = created;
        return created;
    }

    public static JsonObject Metadata(this JsonObject obj) => obj.EnsureObj("metadata");

    public static string Name(this JsonObject obj) => obj.Obj("metadata").Str("name") ?? "";

    public static string Namespace(this JsonObject obj) => obj.Obj("metadata").Str("namespace") ?? "";

    public static string Uid(this JsonObject obj) => obj.Obj("metadata").Str("uid") ?? "";

    public static IReadOnlyDictionary<string, string> Labels(this JsonObject obj)
    {
        var labels = obj.Obj("metadata").Obj("labels");
        if (labels is null)
        {
            return EmptyLabels;
        }

        var result = new Dictionary<string, string>(labels.Count, StringComparer.Ordinal);
        foreach (var pair in labels)
        {
            result[pair.Key] = pair.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : pair.Value?.ToJsonString() ?? "";
        }

        return result;
    }

    public static IReadOnlyList<string> Finalizers(this JsonObject obj) =>
        obj.Obj("metadata").Arr("finalizers")?.Select(f => AsString(f) ?? "").ToList() ?? (IReadOnlyList<string>)[];

    public static string? AsString(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static bool IsTrue(JsonNode? node) => node?.GetValueKind() == JsonValueKind.True;

    public static bool Equal(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    // Scalar to the text a selector or printer compares against.
    public static string? ScalarText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    public static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    public static byte[] ToBytes(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Compact);
}
