namespace AiOperator.ControllerRuntime.Informers;

/// <summary>Deep copies through the Kubernetes JSON form.</summary>
public static class ObjectCopy
{
    public static T Clone<T>(T obj)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(obj);
        return ObjectJson.FromUtf8<T>(ObjectJson.ToUtf8(obj));
    }
}
