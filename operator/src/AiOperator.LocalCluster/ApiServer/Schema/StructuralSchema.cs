using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AiOperator.LocalCluster.ApiServer.Json;

namespace AiOperator.LocalCluster.ApiServer.Schema;

// A compiled openAPIV3Schema node: the subset Kubernetes structural schemas allow.
internal sealed class StructuralSchema
{
    public string? Type { get; private init; }

    public IReadOnlyDictionary<string, StructuralSchema>? Properties { get; private init; }

    public StructuralSchema? Items { get; private init; }

    public StructuralSchema? AdditionalProperties { get; private init; }

    public bool AdditionalPropertiesAny { get; private init; }

    public IReadOnlyList<string> Required { get; private init; } = [];

    public IReadOnlyList<JsonNode?>? Enum { get; private init; }

    public double? Minimum { get; private init; }

    public double? Maximum { get; private init; }

    public bool ExclusiveMinimum { get; private init; }

    public bool ExclusiveMaximum { get; private init; }

    public long? MinLength { get; private init; }

    public long? MaxLength { get; private init; }

    public long? MinItems { get; private init; }

    public long? MaxItems { get; private init; }

    public long? MinProperties { get; private init; }

    public long? MaxProperties { get; private init; }

    public Regex? Pattern { get; private init; }

    public string? PatternText { get; private init; }

    public bool Nullable { get; private init; }

    public bool PreserveUnknownFields { get; private init; }

    public bool IntOrString { get; private init; }

    public bool EmbeddedResource { get; private init; }

    public JsonNode? Default { get; private init; }

    public string? ListType { get; private init; }

    public IReadOnlyList<string> ListMapKeys { get; private init; } = [];

    public bool UniqueItems { get; private init; }

    public static StructuralSchema Compile(JsonObject node, string path = "")
    {
        Dictionary<string, StructuralSchema>? properties = null;
        if (node["properties"] is JsonObject props)
        {
            properties = new Dictionary<string, StructuralSchema>(StringComparer.Ordinal);
            foreach (var (name, child) in props)
            {
                if (child is JsonObject childObj)
                {
                    properties[name] = Compile(childObj, $"{path}.{name}");
                }
            }
        }

        StructuralSchema? additional = null;
        var additionalAny = false;
        switch (node["additionalProperties"])
        {
            case JsonObject ap:
                additional = Compile(ap, path + "[*]");
                break;
            case JsonValue apv when apv.GetValueKind() == JsonValueKind.True:
                additionalAny = true;
                break;
        }

        var patternText = node.Str("pattern");
        Regex? pattern = null;
        if (patternText is not null)
        {
            try
            {
                pattern = new Regex(patternText, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException ex)
            {
                throw new SchemaCompileException($"{path}.pattern: Invalid value: \"{patternText}\": {ex.Message}");
            }
        }

        return new StructuralSchema
        {
            Type = node.Str("type"),
            Properties = properties,
            Items = node["items"] is JsonObject items ? Compile(items, path + "[*]") : null,
            AdditionalProperties = additional,
            AdditionalPropertiesAny = additionalAny,
            Required = node.Arr("required")?.Select(r => JsonTree.AsString(r) ?? "").ToList() ?? [],
            Enum = node.Arr("enum")?.Select(e => e?.DeepClone()).ToList(),
            Minimum = Number(node["minimum"]),
            Maximum = Number(node["maximum"]),
            ExclusiveMinimum = Bool(node["exclusiveMinimum"]),
            ExclusiveMaximum = Bool(node["exclusiveMaximum"]),
            MinLength = node.Long("minLength"),
            MaxLength = node.Long("maxLength"),
            MinItems = node.Long("minItems"),
            MaxItems = node.Long("maxItems"),
            MinProperties = node.Long("minProperties"),
            MaxProperties = node.Long("maxProperties"),
            Pattern = pattern,
            PatternText = patternText,
            Nullable = Bool(node["nullable"]),
            PreserveUnknownFields = Bool(node["x-kubernetes-preserve-unknown-fields"]),
            IntOrString = Bool(node["x-kubernetes-int-or-string"]),
            EmbeddedResource = Bool(node["x-kubernetes-embedded-resource"]),
            Default = node["default"]?.DeepClone(),
            ListType = node.Str("x-kubernetes-list-type"),
            ListMapKeys = node.Arr("x-kubernetes-list-map-keys")?.Select(r => JsonTree.AsString(r) ?? "").ToList() ?? [],
            UniqueItems = Bool(node["uniqueItems"]),
        };
    }

    private static double? Number(JsonNode? node) =>
        JsonTree.AsDouble(node);

    private static bool Bool(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;
}
