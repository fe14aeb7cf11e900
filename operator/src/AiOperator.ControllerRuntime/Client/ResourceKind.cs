using System.Collections.Concurrent;
using System.Reflection;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Client;

/// <summary>Where a kind lives in the REST API: group, version, kind and plural resource name.</summary>
public sealed record ResourceKind(string Group, string Version, string Kind, string Plural, bool Namespaced = true)
{
    // Writers ask for their kind on every write: the attribute is read by reflection once per type.
    private static readonly ConcurrentDictionary<Type, ResourceKind> Known = new();

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Reads the kind from the type's [KubernetesEntity] attribute (built-in models and our CR types carry one).</summary>
    public static ResourceKind For<T>() => For(typeof(T));

    public static ResourceKind For(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Known.GetOrAdd(type, Read);
    }

    private static ResourceKind Read(Type type)
    {
        var entity = type.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{type.Name} has no [KubernetesEntity] attribute, so its REST path is unknown.", nameof(type));
        if (string.IsNullOrEmpty(entity.Kind) || string.IsNullOrEmpty(entity.ApiVersion) || string.IsNullOrEmpty(entity.PluralName))
        {
            throw new ArgumentException($"{type.Name}'s [KubernetesEntity] must set Kind, ApiVersion and PluralName.", nameof(type));
        }

        return new ResourceKind(entity.Group ?? string.Empty, entity.ApiVersion, entity.Kind, entity.PluralName);
    }

    public string CollectionPath(string? ns)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        return Namespaced && !string.IsNullOrEmpty(ns)
            ? $"{root}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}"
            : $"{root}/{Plural}";
    }

    public string ObjectPath(string? ns, string name, string? subresource = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var path = $"{CollectionPath(ns)}/{Uri.EscapeDataString(name)}";
        return subresource is null ? path : $"{path}/{subresource}";
    }
}
