using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Informers;

/// <summary>namespace/name of an object: the unit of reconciliation (empty namespace for cluster-scoped kinds).</summary>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    public static ObjectKey Of(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var meta = obj.Metadata ?? throw new ArgumentException("object has no metadata", nameof(obj));
        return new ObjectKey(meta.NamespaceProperty ?? string.Empty, meta.Name ?? throw new ArgumentException("object has no metadata.name", nameof(obj)));
    }

    public static ObjectKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new ObjectKey(string.Empty, text) : new ObjectKey(text[..slash], text[(slash + 1)..]);
    }

    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
