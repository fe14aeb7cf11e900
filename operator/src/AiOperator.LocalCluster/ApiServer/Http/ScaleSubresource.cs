using System.Globalization;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Resources;
using AiOperator.LocalCluster.ApiServer.Tables;

namespace AiOperator.LocalCluster.ApiServer.Http;

// The autoscaling/v1 Scale view of an object and the write-back of spec.replicas.
internal static class ScaleSubresource
{
    public static JsonObject ToScale(ResourceType type, JsonObject obj)
    {
        var scale = type.Scale!;
        var meta = obj.Obj("metadata")!;
        var scaleMeta = new JsonObject
        {
            ["name"] = meta.Str("name"),
            ["uid"] = meta.Str("uid"),
            ["resourceVersion"] = meta.Str("resourceVersion"),
            ["creationTimestamp"] = meta.Str("creationTimestamp"),
        };
        if (meta.Str("namespace") is { } ns)
        {
            scaleMeta["namespace"] = ns;
        }

        var specReplicas = JsonTree.AsLong(Read(obj, scale.SpecReplicasPath)) is { } s ? s : type.IsCustom ? 0 : 1;
        var statusReplicas = JsonTree.AsLong(Read(obj, scale.StatusReplicasPath)) is { } t ? t : 0;
        var status = new JsonObject { ["replicas"] = statusReplicas };
        if (scale.LabelSelectorPath is not null)
        {
            var selector = Read(obj, scale.LabelSelectorPath);
            var text = selector is JsonObject selectorObj ? SelectorText(selectorObj) : JsonTree.ScalarText(selector);
            if (!string.IsNullOrEmpty(text))
            {
                status["selector"] = text;
            }
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = specReplicas },
            ["status"] = status,
        };
    }

    public static void SetReplicas(ResourceType type, JsonObject obj, long replicas)
    {
        var segments = type.Scale!.SpecReplicasPath.TrimStart('.').Split('.');
        var node = obj;
        foreach (var segment in segments[..^1])
        {
            node = node.EnsureObj(segment);
        }

        node[segments[^1]] = replicas;
    }

    private static JsonNode? Read(JsonObject obj, string path) => JsonPathExpression.Parse(path).Evaluate(obj) is { Count: > 0 } found ? found[0] : null;

    // metav1.LabelSelector to its query form (matchLabels, then matchExpressions).
    public static string SelectorText(JsonObject selector)
    {
        var parts = new List<string>();
        foreach (var (key, value) in selector.Obj("matchLabels") ?? [])
        {
            parts.Add($"{key}={JsonTree.ScalarText(value)}");
        }

        foreach (var expression in selector.Arr("matchExpressions") ?? [])
        {
            var key = expression.Str("key");
            var values = string.Join(",", expression.Arr("values")?.Select(v => JsonTree.ScalarText(v)) ?? []);
            parts.Add(expression.Str("operator") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key!,
                "DoesNotExist" => "!" + key,
                _ => key!,
            });
        }

        return string.Join(",", parts.Order(StringComparer.Ordinal));
    }

    public static long ReplicasFrom(JsonObject scale)
    {
        var node = scale.Obj("spec")?["replicas"];
        if (JsonTree.AsLong(node) is not { } replicas)
        {
            throw ApiErrors.Invalid("autoscaling", "Scale", scale.Name(), [Schema.FieldError.Required("spec.replicas")]);
        }

        if (replicas < 0)
        {
            throw ApiErrors.Invalid("autoscaling", "Scale", scale.Name(),
                [Schema.FieldError.Invalid("spec.replicas", replicas.ToString(CultureInfo.InvariantCulture), "must be greater than or equal to 0")]);
        }

        return replicas;
    }
}
