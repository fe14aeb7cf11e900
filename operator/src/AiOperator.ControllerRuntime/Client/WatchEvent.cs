using k8s;

namespace AiOperator.ControllerRuntime.Client;

/// <summary>One decoded watch event; for BOOKMARK only the resourceVersion is meaningful.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T Object, string ResourceVersion);
