using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>
/// Pure JSON merge-patch (RFC 7386) builders. <see cref="Full"/> makes the target equal the desired
/// document (removed fields become null). <see cref="Subset"/> only asserts the fields the desired
/// document names, so server defaults and other writers' fields never count as drift; arrays are
/// compared element by element the same way and, when they differ, replaced whole (merge-patch rule).
/// A zero value in desired ([], {}, "", false, 0) matches an absent field, as Go's omitempty drops them.
/// Both return null when nothing differs: the caller then makes no API call.
/// </summary>
public static class JsonMergeDiff
{
    public static JsonObject? Full(JsonNode? original, JsonNode? desired)
    {
        if (desired is not JsonObject want)
        {
            throw new ArgumentException("desired document must be a JSON object", nameof(desired));
        }

        var have = original as JsonObject ?? [];
        var patch = new JsonObject();
        foreach (var (name, value) in want)
        {
            if (!have.TryGetPropertyValue(name, out var current) || current is null)
            {
                if (value is not null)
                {
                    patch[name] = value.DeepClone();
                }
            }
            else if (value is null)
            {
                patch[name] = null;
            }
            else if (value is JsonObject && current is JsonObject)
            {
                if (Full(current, value) is { } nested)
                {
                    patch[name] = nested;
                }
            }
            else if (!ScalarOrArrayEquals(current, value))
            {
                patch[name] = value.DeepClone();
            }
        }

        foreach (var (name, value) in have)
        {
            if (value is not null && !want.ContainsKey(name))
            {
                patch[name] = null;
            }
        }

        return patch.Count == 0 ? null : patch;
    }

    public static JsonObject? Subset(JsonNode? existing, JsonNode? desired)
    {
        if (desired is not JsonObject want)
        {
            throw new ArgumentException("desired document must be a JSON object", nameof(desired));
        }

        var have = existing as JsonObject ?? [];
        var patch = new JsonObject();
        foreach (var (name, value) in want)
        {
            if (value is null)
            {
                continue;
            }

            have.TryGetPropertyValue(name, out var current);
            if (value is JsonObject && current is JsonObject)
            {
                if (Subset(current, value) is { } nested)
                {
                    patch[name] = nested;
                }
            }
            else if (!Contains(current, value))
            {
                patch[name] = value.DeepClone();
            }
        }

        return patch.Count == 0 ? null : patch;
    }

    /// <summary>True when every field named in desired has the same value in existing (recursively).</summary>
    public static bool Contains(JsonNode? existing, JsonNode? desired)
    {
        switch (desired)
        {
            case null:
                return true;
            case var _ when existing is null && IsZero(desired):
                return true;
            case JsonObject want:
                return existing is JsonObject have && want.All(p => p.Value is null || Contains(have[p.Key], p.Value));
            case JsonArray wantItems:
                return existing is JsonArray haveItems
                    && haveItems.Count == wantItems.Count
                    && wantItems.Select((item, i) => Contains(haveItems[i], item)).All(b => b);
            default:
                return existing is JsonValue && ScalarEquals((JsonValue)existing, (JsonValue)desired);
        }
    }

    // The API server omits these (omitempty), so asking for them must not look like drift forever.
    private static bool IsZero(JsonNode node) => node switch
    {
        JsonArray items => items.Count == 0,
        JsonObject fields => fields.All(f => f.Value is null || IsZero(f.Value)),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>().Length == 0,
            JsonValueKind.False => true,
            JsonValueKind.Number => value.ToJsonString() is "0" or "0.0",
            _ => false,
        },
        _ => false,
    };

    private static bool ScalarOrArrayEquals(JsonNode current, JsonNode value) =>
        current is JsonValue a && value is JsonValue b ? ScalarEquals(a, b) : JsonNode.DeepEquals(current, value);

    private static bool ScalarEquals(JsonValue a, JsonValue b)
    {
        var kindA = a.GetValueKind();
        var kindB = b.GetValueKind();
        if (kindA == JsonValueKind.Number && kindB == JsonValueKind.Number)
        {
            // 2 and 2.0 are the same number whatever text each side used.
            return decimal.TryParse(a.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out var x)
                && decimal.TryParse(b.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out var y)
                ? x == y
                : a.ToJsonString() == b.ToJsonString();
        }

        return JsonNode.DeepEquals(a, b);
    }
}
