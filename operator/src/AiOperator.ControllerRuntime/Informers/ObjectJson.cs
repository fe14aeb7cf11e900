using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace AiOperator.ControllerRuntime.Informers;

/// <summary>
/// UTF-8 JSON with KubernetesClient's own serializer settings (source-generated for the built-in kinds,
/// reflection for custom resources), without the intermediate strings of <see cref="KubernetesJson"/>.
/// </summary>
internal static class ObjectJson
{
    private static readonly JsonSerializerOptions Options = CaptureOptions();

    // The same settings for informer caches, with two changes. metadata.managedFields is read past without
    // being decoded (a fieldsV1 tree is parsed into a JsonDocument per entry, often the largest part of a
    // watched object; caches drop it as kube-controller-manager's do, and none of our controllers reads it).
    // A quantity that does not parse is a decode error naming its field (StrictQuantityConverter).
    private static readonly JsonSerializerOptions WithoutManagedFieldsOptions = ForCaches(Options);

    public static byte[] ToUtf8<T>(T obj)
        where T : class =>
        JsonSerializer.SerializeToUtf8Bytes(obj, TypeInfo<T>.Value);

    /// <summary>A value as a JSON tree with KubernetesClient's settings (null stays null).</summary>
    public static JsonNode? ToNode(object? value) =>
        value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), Options);

    public static T FromUtf8<T>(ReadOnlySpan<byte> json)
        where T : class =>
        JsonSerializer.Deserialize(json, TypeInfo<T>.Value) ?? throw new JsonException($"{typeof(T).Name}: the cached JSON is null");

    /// <summary>Decodes a listed or watched object for a cache: metadata.managedFields is skipped, not decoded.</summary>
    public static T WithoutManagedFields<T>(JsonElement element)
        where T : class =>
        element.Deserialize(LeanTypeInfo<T>.Value) ?? throw new JsonException($"{typeof(T).Name}: the object is null");

    /// <summary>The same, reading the object the reader is at (its StartObject token) and leaving it on the EndObject.</summary>
    public static T WithoutManagedFields<T>(ref Utf8JsonReader reader)
        where T : class =>
        JsonSerializer.Deserialize(ref reader, LeanTypeInfo<T>.Value) ?? throw new JsonException($"{typeof(T).Name}: the object is null");

    private static JsonSerializerOptions ForCaches(JsonSerializerOptions options)
    {
        var resolver = options.TypeInfoResolver ?? throw new InvalidOperationException("KubernetesJson's options have no type info resolver");
        var quantities = (JsonConverter<k8s.Models.ResourceQuantity>)options.GetConverter(typeof(k8s.Models.ResourceQuantity));
        var lean = new JsonSerializerOptions(options)
        {
            TypeInfoResolver = resolver.WithAddedModifier(info =>
            {
                if (info.Type == typeof(k8s.Models.V1ObjectMeta))
                {
                    for (var i = info.Properties.Count - 1; i >= 0; i--)
                    {
                        if (info.Properties[i].Name == "managedFields")
                        {
                            info.Properties.RemoveAt(i);
                        }
                    }
                }
            }),
        };

        // Converters in the options take precedence over the one KubernetesClient names on the type.
        lean.Converters.Insert(0, new StrictQuantityConverter(quantities));
        return lean;
    }

    // KubernetesJson keeps its options internal; AddJsonOptions hands them to a callback at once.
    private static JsonSerializerOptions CaptureOptions()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(o => captured = o);
        return captured ?? throw new InvalidOperationException("KubernetesJson did not hand out its serializer options");
    }

    private static class TypeInfo<T>
    {
        public static readonly JsonTypeInfo<T> Value = (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
    }

    private static class LeanTypeInfo<T>
    {
        public static readonly JsonTypeInfo<T> Value = (JsonTypeInfo<T>)WithoutManagedFieldsOptions.GetTypeInfo(typeof(T));
    }
}
