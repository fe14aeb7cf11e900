using System.Globalization;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AiOperator.LocalCluster.ApiServer.Json;

// YAML 1.2 core-schema conversion (what sigs.k8s.io/yaml does): plain scalars are typed, quoted ones are strings.
internal static class YamlToJson
{
    private const int MaxDepth = 100;
    private const int MaxNodes = 1_000_000;

    public static JsonNode? Convert(string text)
    {
        // Deep flow nesting would recurse the parser off the stack; aliases could expand exponentially.
        if (FlowDepth(text) > MaxDepth)
        {
            throw ApiErrors.BadRequest($"error converting YAML to JSON: nesting deeper than {MaxDepth} levels");
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw ApiErrors.BadRequest($"error converting YAML to JSON: yaml: line {ex.Start.Line}: {ex.Message}");
        }

        if (stream.Documents.Count == 0)
        {
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            throw ApiErrors.BadRequest("error converting YAML to JSON: expected a single YAML document");
        }

        var budget = MaxNodes;
        return ToNode(stream.Documents[0].RootNode, "", 0, ref budget);
    }

    private static int FlowDepth(string text)
    {
        var depth = 0;
        var max = 0;
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '[' or '{':
                    max = Math.Max(max, ++depth);
                    break;
                case ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
                case '\n':
                    quote = null;
                    break;
            }
        }

        return max;
    }

    private static JsonNode? ToNode(YamlNode node, string path, int depth, ref int budget)
    {
        if (--budget < 0 || depth > MaxDepth)
        {
            throw ApiErrors.BadRequest($"error converting YAML to JSON: document too large or too deep (at {path})");
        }

        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    var key = (keyNode as YamlScalarNode)?.Value ?? throw ApiErrors.BadRequest($"error converting YAML to JSON: non-scalar key under {path}");
                    if (obj.ContainsKey(key))
                    {
                        throw ApiErrors.BadRequest($"error converting YAML to JSON: duplicate field \"{Join(path, key)}\"");
                    }

                    obj[key] = ToNode(valueNode, Join(path, key), depth + 1, ref budget);
                }

                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                var i = 0;
                foreach (var child in seq.Children)
                {
                    array.Add(ToNode(child, $"{path}[{i++}]", depth + 1, ref budget));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw ApiErrors.BadRequest($"error converting YAML to JSON: unsupported node at {path}");
        }
    }

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str")
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (value.Length > 0 && (char.IsDigit(value[0]) || value[0] is '-' or '+' or '.')
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsInfinity(d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(value);
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
