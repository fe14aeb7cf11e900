namespace AiOperator.LocalCluster.ApiServer;

/// <summary>A pods/log read; the server applies tailLines and limitBytes to what the source returns.</summary>
public sealed record PodLogRequest(string Namespace, string Pod, string Container, bool Previous, bool Follow, bool Timestamps, long? SinceSeconds);
