using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;

namespace AiOperator.LocalCluster.ApiServer.Schema;

// What kube-apiserver does to a custom resource body, in its order: prune unknown fields, apply
// schema defaults, then validate. Pure functions over the JSON tree.
internal static class SchemaProcessor
{
    private static readonly HashSet<string> RootFields = new(StringComparer.Ordinal) { "apiVersion", "kind", "metadata" };

    public static IReadOnlyList<FieldError> Process(JsonObject obj, StructuralSchema root, List<string> prunedFields)
    {
        PruneObject(obj, root, "", prunedFields, isRoot: true);
        ApplyDefaults(obj, root, isRoot: true);
        var errors = new List<FieldError>();
        ValidateObject(obj, root, "", errors, isRoot: true);
        return errors;
    }

    public static void Prune(JsonNode? node, StructuralSchema schema, string path, List<string> pruned)
    {
        switch (node)
        {
            case JsonObject obj when schema.Type is "object" or null && !schema.IntOrString:
                PruneObject(obj, schema, path, pruned, isRoot: false);
                break;
            case JsonArray array when schema.Items is not null:
                for (var i = 0; i < array.Count; i++)
                {
                    Prune(array[i], schema.Items, $"{path}[{i}]", pruned);
                }

                break;
        }
    }

    private static void PruneObject(JsonObject obj, StructuralSchema schema, string path, List<string> pruned, bool isRoot)
    {
        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            if ((isRoot || schema.EmbeddedResource) && RootFields.Contains(key))
            {
                continue;
            }

            var child = obj[key];
            var childPath = Join(path, key);
            StructuralSchema? childSchema = null;
            if (schema.Properties is not null && schema.Properties.TryGetValue(key, out var propSchema))
            {
                childSchema = propSchema;
            }
            else if (schema.AdditionalProperties is not null)
            {
                childSchema = schema.AdditionalProperties;
            }
            else if (schema.PreserveUnknownFields || schema.AdditionalPropertiesAny)
            {
                continue;
            }
            else
            {
                pruned.Add(childPath);
                obj.Remove(key);
                continue;
            }

            if (child is null && !childSchema.Nullable)
            {
                obj.Remove(key);
                continue;
            }

            Prune(child, childSchema, childPath, pruned);
        }
    }

    public static void ApplyDefaults(JsonNode? node, StructuralSchema schema, bool isRoot = false)
    {
        switch (node)
        {
            case JsonObject obj:
                if (schema.Properties is not null)
                {
                    foreach (var (name, propSchema) in schema.Properties)
                    {
                        if (isRoot && RootFields.Contains(name))
                        {
                            continue;
                        }

                        if (propSchema.Default is not null && (!obj.ContainsKey(name) || (obj[name] is null && !propSchema.Nullable)))
                        {
                            obj[name] = propSchema.Default.DeepClone();
                        }

                        if (obj[name] is { } child)
                        {
                            ApplyDefaults(child, propSchema);
                        }
                    }
                }

                if (schema.AdditionalProperties is not null)
                {
                    foreach (var pair in obj.ToList())
                    {
                        ApplyDefaults(pair.Value, schema.AdditionalProperties);
                    }
                }

                break;
            case JsonArray array when schema.Items is not null:
                foreach (var item in array)
                {
                    ApplyDefaults(item, schema.Items);
                }

                break;
        }
    }

    public static void Validate(JsonNode? node, StructuralSchema schema, string path, List<FieldError> errors)
    {
        if (node is null)
        {
            if (!schema.Nullable && schema.Type is not null)
            {
                errors.Add(FieldError.TypeInvalid(path, "\"null\"", $"{path} in body must be of type {schema.Type}: \"null\""));
            }

            return;
        }

        var kind = node.GetValueKind();
        if (schema.IntOrString)
        {
            if (kind != JsonValueKind.String && !IsInteger(node))
            {
                errors.Add(FieldError.TypeInvalid(path, Quote(TypeName(node)), $"{path} in body must be of type integer or string: {Quote(TypeName(node))}"));
            }
            else if (kind == JsonValueKind.String)
            {
                // A string form is held to the string rules beside the anyOf, as kube-apiserver does: a quantity's
                // pattern refuses `cpu: abc` at apply time, before any client has to decode it.
                ValidateString(node.GetValue<string>(), schema, path, errors);
            }

            return;
        }

        if (schema.Type is not null && !TypeMatches(node, schema.Type))
        {
            errors.Add(FieldError.TypeInvalid(path, Quote(TypeName(node)), $"{path} in body must be of type {schema.Type}: {Quote(TypeName(node))}"));
            return;
        }

        if (schema.Enum is { Count: > 0 } allowed && !allowed.Any(a => JsonNode.DeepEquals(a, node)))
        {
            errors.Add(FieldError.NotSupported(path, Render(node), allowed.Select(Render)));
        }

        switch (node)
        {
            case JsonObject obj:
                ValidateObject(obj, schema, path, errors, isRoot: false);
                break;
            case JsonArray array:
                if (schema.MinItems is { } minItems && array.Count < minItems)
                {
                    errors.Add(FieldError.Invalid(path, array.Count.ToString(CultureInfo.InvariantCulture), $"{path} in body should have at least {minItems} items"));
                }

                if (schema.MaxItems is { } maxItems && array.Count > maxItems)
                {
                    errors.Add(FieldError.TooMany(path, array.Count, maxItems));
                }

                if (schema.Items is not null)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        Validate(array[i], schema.Items, $"{path}[{i}]", errors);
                    }
                }

                break;
            case JsonValue when kind == JsonValueKind.String:
                ValidateString(node.GetValue<string>(), schema, path, errors);
                break;
            case JsonValue when kind == JsonValueKind.Number:
                ValidateNumber(JsonTree.AsDouble(node)!.Value, node, schema, path, errors);
                break;
        }
    }

    private static void ValidateObject(JsonObject obj, StructuralSchema schema, string path, List<FieldError> errors, bool isRoot)
    {
        foreach (var required in schema.Required)
        {
            if (!obj.ContainsKey(required) || obj[required] is null)
            {
                errors.Add(FieldError.Required(Join(path, required)));
            }
        }

        if (schema.MinProperties is { } minProps && obj.Count < minProps)
        {
            errors.Add(FieldError.Invalid(path, obj.Count.ToString(CultureInfo.InvariantCulture), $"{path} in body should have at least {minProps} properties"));
        }

        if (schema.MaxProperties is { } maxProps && obj.Count > maxProps)
        {
            errors.Add(FieldError.TooMany(path, obj.Count, maxProps));
        }

        foreach (var (key, child) in obj)
        {
            if ((isRoot || schema.EmbeddedResource) && RootFields.Contains(key))
            {
                // Of metadata, kube-apiserver applies a CRD's schema to the name only (and generateName, unused here).
                if (isRoot && key == "metadata" && child is JsonObject meta && meta["name"] is { } name
                    && schema.Properties?.GetValueOrDefault("metadata")?.Properties?.GetValueOrDefault("name") is { } nameSchema)
                {
                    Validate(name, nameSchema, "metadata.name", errors);
                }

                continue;
            }

            if (schema.Properties is not null && schema.Properties.TryGetValue(key, out var propSchema))
            {
                Validate(child, propSchema, Join(path, key), errors);
            }
            else if (schema.AdditionalProperties is not null)
            {
                Validate(child, schema.AdditionalProperties, Join(path, key), errors);
            }
        }
    }

    private static void ValidateString(string value, StructuralSchema schema, string path, List<FieldError> errors)
    {
        var length = new System.Globalization.StringInfo(value).LengthInTextElements;
        if (schema.MinLength is { } min && length < min)
        {
            errors.Add(FieldError.Invalid(path, Quote(value), $"{path} in body should be at least {min} chars long"));
        }

        if (schema.MaxLength is { } max && length > max)
        {
            errors.Add(FieldError.TooLong(path, max));
        }

        if (schema.Pattern is not null)
        {
            bool matches;
            try
            {
                matches = schema.Pattern.IsMatch(value);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                matches = false;
            }

            if (!matches)
            {
                errors.Add(FieldError.Invalid(path, Quote(value), $"{path} in body should match '{schema.PatternText}'"));
            }
        }
    }

    private static void ValidateNumber(double value, JsonNode node, StructuralSchema schema, string path, List<FieldError> errors)
    {
        if (schema.Minimum is { } min)
        {
            if (schema.ExclusiveMinimum ? value <= min : value < min)
            {
                var relation = schema.ExclusiveMinimum ? "greater than" : "greater than or equal to";
                errors.Add(FieldError.Invalid(path, Render(node), $"{path} in body should be {relation} {FormatNumber(min)}"));
            }
        }

        if (schema.Maximum is { } max)
        {
            if (schema.ExclusiveMaximum ? value >= max : value > max)
            {
                var relation = schema.ExclusiveMaximum ? "less than" : "less than or equal to";
                errors.Add(FieldError.Invalid(path, Render(node), $"{path} in body should be {relation} {FormatNumber(max)}"));
            }
        }
    }

    private static bool TypeMatches(JsonNode node, string type) => type switch
    {
        "object" => node is JsonObject,
        "array" => node is JsonArray,
        "string" => node.GetValueKind() == JsonValueKind.String,
        "boolean" => node.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "number" => node.GetValueKind() == JsonValueKind.Number,
        "integer" => IsInteger(node),
        _ => true,
    };

    private static bool IsInteger(JsonNode node) =>
        JsonTree.AsLong(node) is not null;

    private static string TypeName(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => IsInteger(node) ? "integer" : "number",
        _ => "null",
    };

    public static string Render(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => FormatNumber(JsonTree.AsDouble(v)!.Value),
        _ => node.ToJsonString(),
    };

    private static string FormatNumber(double value) =>
        Math.Abs(value % 1) < double.Epsilon && Math.Abs(value) < 1e15 ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
