namespace AiOperator.ModelServer.Protocol;

/// <summary>A request body in a pooled array: the first <see cref="Length"/> bytes of <see cref="Buffer"/>.</summary>
internal readonly record struct PooledBody(byte[] Buffer, int Length);
