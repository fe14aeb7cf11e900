using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Client;

/// <summary>
/// An object the API server holds that does not decode into its C# type (a field of the wrong type):
/// who it is, and the field that failed, so it can be tracked and reported instead of silently dropped.
/// </summary>
public sealed record UndecodableObject(string? Namespace, string Name, string? Uid, string ResourceVersion, string Field, string Error)
{
    /// <summary>An object of type T that carries only this one's identity (for events and delete notifications); null if T cannot hold it.</summary>
    public T? Identity<T>(ResourceKind kind)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(kind);
        var json = new JsonObject
        {
            ["apiVersion"] = kind.ApiVersion,
            ["kind"] = kind.Kind,
            ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = Namespace, ["uid"] = Uid, ["resourceVersion"] = ResourceVersion },
        };
        try
        {
            var obj = KubernetesJson.Deserialize<T>(json.ToJsonString());
            obj.ApiVersion ??= kind.ApiVersion;
            obj.Kind ??= kind.Kind;
            return obj;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
