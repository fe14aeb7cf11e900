using k8s;

namespace AiOperator.ControllerRuntime.Informers;

/// <summary>Deep copies through KubernetesJson, for writing a changed version of a cached object.</summary>
public static class ObjectCopy
{
    public static T Clone<T>(T obj)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(obj);
        return KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(obj));
    }
}
