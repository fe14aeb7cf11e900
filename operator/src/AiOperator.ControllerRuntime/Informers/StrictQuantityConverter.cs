using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Informers;

/// <summary>
/// KubernetesClient's quantity converter, whose parse failures (FormatException, OverflowException) become
/// JsonExceptions: the serializer then adds the field's path, and a watched object with a quantity that does
/// not parse is reported as undecodable by name and field instead of failing the whole watch.
/// </summary>
internal sealed class StrictQuantityConverter(JsonConverter<ResourceQuantity> inner) : JsonConverter<ResourceQuantity>
{
    public override ResourceQuantity? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return inner.Read(ref reader, typeToConvert, options);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            // Never the value itself: it came from a user's object and goes to Events and logs.
            throw new JsonException("the value is not a Kubernetes quantity", ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, ResourceQuantity value, JsonSerializerOptions options) =>
        inner.Write(writer, value, options);
}
