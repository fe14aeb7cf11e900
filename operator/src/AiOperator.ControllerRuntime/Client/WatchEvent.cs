using k8s;

namespace AiOperator.ControllerRuntime.Client;

/// <summary>
/// One decoded watch event; for BOOKMARK only the resourceVersion is meaningful. When the object could not be
/// decoded, Undecodable says why and Object carries only its identity (apiVersion, kind, metadata).
/// </summary>
public sealed record WatchEvent<T>(WatchEventType Type, T Object, string ResourceVersion, UndecodableObject? Undecodable = null);
