using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AiOperator.LocalCluster.ApiServer.Schema;

// The field names of a KubernetesClient model type, used only to spot unknown fields in built-in
// objects (fieldValidation=Strict); objects themselves are never converted to these types.
internal sealed class TypeShape
{
    private static readonly ConcurrentDictionary<Type, TypeShape> Cache = new();
    private readonly Lazy<IReadOnlyDictionary<string, TypeShape>>? _fields;

    private TypeShape(ShapeKind kind, Func<IReadOnlyDictionary<string, TypeShape>>? fields = null, Func<TypeShape>? element = null)
    {
        Kind = kind;
        _fields = fields is null ? null : new Lazy<IReadOnlyDictionary<string, TypeShape>>(fields, LazyThreadSafetyMode.ExecutionAndPublication);
        _element = element is null ? null : new Lazy<TypeShape>(element, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private readonly Lazy<TypeShape>? _element;

    public ShapeKind Kind { get; }

    public IReadOnlyDictionary<string, TypeShape> Fields => _fields?.Value ?? new Dictionary<string, TypeShape>();

    public TypeShape? Element => _element?.Value;

    public static TypeShape For(Type type) => Cache.GetOrAdd(type, Build);

    public void FindUnknown(JsonNode? node, string path, List<string> unknown) => Check(node, path, unknown, null);

    // Unknown fields go to `unknown`; values of the wrong JSON type (which a typed client could not
    // decode) go to `typeErrors`, phrased like Go's encoding/json.
    public void Check(JsonNode? node, string path, List<string> unknown, List<string>? typeErrors) =>
        Check(node, new Trail(path), unknown, typeErrors);

    private void Check(JsonNode? node, Trail at, List<string> unknown, List<string>? typeErrors)
    {
        if (node is null)
        {
            return;
        }

        if (typeErrors is not null && TypeMismatch(node) is { } actual)
        {
            typeErrors.Add($"json: cannot unmarshal {actual} into Go struct field .{at} of type {Expected}");
            return;
        }

        switch (Kind)
        {
            case ShapeKind.Object when node is JsonObject obj:
                var atRoot = at.IsEmpty;
                foreach (var (key, child) in obj)
                {
                    at.Push(key, Trail.Step.Field);
                    if (Fields.TryGetValue(key, out var shape))
                    {
                        shape.Check(child, at, unknown, typeErrors);
                    }
                    else if (!(atRoot && key is "apiVersion" or "kind"))
                    {
                        unknown.Add(at.ToString());
                    }

                    at.Pop();
                }

                break;
            case ShapeKind.Map when node is JsonObject map:
                foreach (var (key, child) in map)
                {
                    at.Push(key, Trail.Step.MapKey);
                    Element?.Check(child, at, unknown, typeErrors);
                    at.Pop();
                }

                break;
            case ShapeKind.List when node is JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    at.Push(i);
                    Element?.Check(list[i], at, unknown, typeErrors);
                    at.Pop();
                }

                break;
        }
    }

    private string Expected => Kind switch
    {
        ShapeKind.Object => "object",
        ShapeKind.Map => "map",
        ShapeKind.List => "array",
        ShapeKind.Integer => "integer",
        ShapeKind.Number => "number",
        ShapeKind.Boolean => "bool",
        ShapeKind.IntOrString => "IntOrString",
        ShapeKind.Quantity => "Quantity",
        _ => "string",
    };

    private string? TypeMismatch(JsonNode node)
    {
        var kind = node.GetValueKind();
        var ok = Kind switch
        {
            ShapeKind.Object or ShapeKind.Map => kind == JsonValueKind.Object,
            ShapeKind.List => kind == JsonValueKind.Array,
            ShapeKind.String => kind == JsonValueKind.String,
            ShapeKind.Integer => kind == JsonValueKind.Number && Json.JsonTree.AsLong(node) is not null,
            ShapeKind.Number => kind == JsonValueKind.Number,
            ShapeKind.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
            ShapeKind.IntOrString => kind == JsonValueKind.String || (kind == JsonValueKind.Number && Json.JsonTree.AsLong(node) is not null),
            ShapeKind.Quantity => kind is JsonValueKind.String or JsonValueKind.Number,
            _ => true,
        };
        if (ok)
        {
            return null;
        }

        return kind switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            _ => "bool",
        };
    }

    private static TypeShape Build(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(object) || underlying == typeof(JsonElement) || underlying == typeof(JsonNode))
        {
            return new TypeShape(ShapeKind.Any);
        }

        if (underlying == typeof(string) || underlying == typeof(DateTime) || underlying == typeof(DateTimeOffset) || underlying == typeof(byte[]))
        {
            return new TypeShape(ShapeKind.String);
        }

        if (underlying == typeof(bool))
        {
            return new TypeShape(ShapeKind.Boolean);
        }

        if (underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short))
        {
            return new TypeShape(ShapeKind.Integer);
        }

        if (underlying == typeof(double) || underlying == typeof(float) || underlying == typeof(decimal))
        {
            return new TypeShape(ShapeKind.Number);
        }

        if (underlying.Name == "IntOrString")
        {
            return new TypeShape(ShapeKind.IntOrString);
        }

        if (underlying.Name == "ResourceQuantity")
        {
            return new TypeShape(ShapeKind.Quantity);
        }

        if (underlying.IsPrimitive || underlying.IsEnum)
        {
            return new TypeShape(ShapeKind.Scalar);
        }

        var dictionary = underlying.GetInterfaces().Append(underlying)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is not null)
        {
            var valueType = dictionary.GetGenericArguments()[1];
            return new TypeShape(ShapeKind.Map, element: () => For(valueType));
        }

        var enumerable = underlying.GetInterfaces().Append(underlying)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        if (enumerable is not null)
        {
            var itemType = enumerable.GetGenericArguments()[0];
            return new TypeShape(ShapeKind.List, element: () => For(itemType));
        }

        return new TypeShape(ShapeKind.Object, fields: () =>
        {
            var fields = new Dictionary<string, TypeShape>(StringComparer.Ordinal);
            foreach (var property in underlying.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
                if (name is not null)
                {
                    fields[name] = For(property.PropertyType);
                }
            }

            return fields;
        });
    }
}
