using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;
using k8s.Models;

namespace AiOperator.Api.Crds;

/// <summary>Builds a structural openAPIV3Schema from the C# API types, the single source of truth for the CRDs.</summary>
public static class OpenApiSchemaBuilder
{
    public static JsonObject ForObject(Type type)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var jsonName = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (jsonName is null)
            {
                continue;
            }

            properties[jsonName] = ForProperty(property);
            if (property.GetCustomAttribute<RequiredFieldAttribute>() is not null)
            {
                required.Add(jsonName);
            }
        }

        var schema = new JsonObject();
        AddDescription(schema, type.GetCustomAttribute<DescriptionAttribute>());
        schema["type"] = "object";
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        schema["properties"] = properties;
        return schema;
    }

    private static JsonObject ForProperty(PropertyInfo property)
    {
        var preserve = property.GetCustomAttribute<PreserveUnknownFieldsAttribute>() is not null;
        var schema = ForType(property.PropertyType, preserve);

        // Description first keeps the generated YAML readable: what a field is, then its rules.
        var ordered = new JsonObject();
        AddDescription(ordered, property.GetCustomAttribute<DescriptionAttribute>());
        if (!ordered.ContainsKey("description") && schema["description"] is { } typeDescription)
        {
            ordered["description"] = typeDescription.DeepClone();
        }

        foreach (var (key, value) in schema.ToList())
        {
            if (key == "description")
            {
                continue;
            }

            schema.Remove(key);
            ordered[key] = value;
        }

        if (property.GetCustomAttribute<SchemaDefaultAttribute>() is { } def)
        {
            ordered["default"] = JsonNode.Parse(def.Json);
        }

        if (property.GetCustomAttribute<SchemaRangeAttribute>() is { } range)
        {
            if (!double.IsNaN(range.Minimum))
            {
                ordered["minimum"] = Number(range.Minimum);
                if (range.ExclusiveMinimum)
                {
                    ordered["exclusiveMinimum"] = true;
                }
            }

            if (!double.IsNaN(range.Maximum))
            {
                ordered["maximum"] = Number(range.Maximum);
            }
        }

        if (property.GetCustomAttribute<SchemaLengthAttribute>() is { } length)
        {
            var isArray = (string?)ordered["type"] == "array";
            if (length.Minimum >= 0)
            {
                ordered[isArray ? "minItems" : "minLength"] = length.Minimum;
            }

            if (length.Maximum >= 0)
            {
                ordered[isArray ? "maxItems" : "maxLength"] = length.Maximum;
            }
        }

        if (property.GetCustomAttribute<SchemaPatternAttribute>() is { } pattern)
        {
            ordered["pattern"] = pattern.Pattern;
        }

        return ordered;
    }

    private static JsonObject ForType(Type type, bool preserveUnknownFields)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;

        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        }

        if (type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        }

        if (type == typeof(double))
        {
            return new JsonObject { ["type"] = "number" };
        }

        if (type == typeof(DateTime))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type.IsEnum)
        {
            var values = new JsonArray();
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                values.Add(field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name);
            }

            var schema = new JsonObject { ["type"] = "string", ["enum"] = values };
            AddDescription(schema, type.GetCustomAttribute<DescriptionAttribute>());
            return schema;
        }

        if (type == typeof(ResourceQuantity))
        {
            return Quantity();
        }

        if (type == typeof(V1Condition))
        {
            return Condition();
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = ForType(valueType, preserveUnknownFields) };
        }

        if (ListItemType(type) is { } itemType)
        {
            var array = new JsonObject { ["type"] = "array", ["items"] = ForType(itemType, preserveUnknownFields) };
            if (itemType == typeof(V1Condition))
            {
                array["x-kubernetes-list-type"] = "map";
                array["x-kubernetes-list-map-keys"] = new JsonArray("type");
            }

            return array;
        }

        if (preserveUnknownFields || type == typeof(V1ObjectMeta))
        {
            return new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        }

        // Kubernetes' own types (EnvVar, Toleration, Affinity) are typed as the core API defines them, so the
        // API server refuses a number where a string belongs at apply time instead of the operator failing to decode it.
        return type.Namespace == typeof(V1ObjectMeta).Namespace ? ForCoreObject(type) : ForObject(type);
    }

    private static JsonObject ForCoreObject(Type type)
    {
        var properties = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, StringComparer.Ordinal))
        {
            if (property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name is { } name)
            {
                var field = ForType(property.PropertyType, preserveUnknownFields: false);
                if (CoreEnums.For(type, name) is { Count: > 0 } values)
                {
                    field["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]);
                }

                properties[name] = field;
            }
        }

        var schema = new JsonObject { ["type"] = "object" };
        if (CoreRequiredFields.For(type) is { Count: > 0 } required)
        {
            schema["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]);
        }

        schema["properties"] = properties;
        return schema;
    }

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments()[1];
    }

    private static Type? ListItemType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var list = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IList<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IList<>));
        return list?.GetGenericArguments()[0];
    }

    private static JsonObject Quantity() => new()
    {
        ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
        ["pattern"] = @"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$",
        ["x-kubernetes-int-or-string"] = true,
    };

    // metav1.Condition, as controller-gen renders it.
    private static JsonObject Condition() => new()
    {
        ["description"] = "Condition contains details for one aspect of the current state of this API Resource.",
        ["type"] = "object",
        ["required"] = new JsonArray("lastTransitionTime", "message", "reason", "status", "type"),
        ["properties"] = new JsonObject
        {
            ["lastTransitionTime"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            ["message"] = new JsonObject { ["type"] = "string", ["maxLength"] = 32768 },
            ["observedGeneration"] = new JsonObject { ["type"] = "integer", ["format"] = "int64", ["minimum"] = 0 },
            ["reason"] = new JsonObject
            {
                ["type"] = "string",
                ["maxLength"] = 1024,
                ["minLength"] = 1,
                ["pattern"] = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
            },
            ["status"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("True", "False", "Unknown") },
            ["type"] = new JsonObject
            {
                ["type"] = "string",
                ["maxLength"] = 316,
                ["pattern"] = @"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
            },
        },
    };

    private static void AddDescription(JsonObject schema, DescriptionAttribute? description)
    {
        if (description is not null)
        {
            schema["description"] = description.Description;
        }
    }

    private static JsonNode Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < long.MaxValue
            ? JsonValue.Create((long)value)
            : JsonNode.Parse(value.ToString("R", CultureInfo.InvariantCulture))!;
}
