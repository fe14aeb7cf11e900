using System.Text.Json;
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

    public static byte[] ToUtf8<T>(T obj)
        where T : class =>
        JsonSerializer.SerializeToUtf8Bytes(obj, TypeInfo<T>.Value);

    public static T FromUtf8<T>(ReadOnlySpan<byte> json)
        where T : class =>
        JsonSerializer.Deserialize(json, TypeInfo<T>.Value) ?? throw new JsonException($"{typeof(T).Name}: the cached JSON is null");

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
}
