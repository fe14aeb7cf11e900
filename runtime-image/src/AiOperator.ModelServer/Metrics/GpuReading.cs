namespace AiOperator.ModelServer.Metrics;

/// <summary>What NVML told us about one GPU; a field is null when NVML could not read it (e.g. on a MIG slice).</summary>
internal sealed record GpuReading(string Uuid, double? Utilization, ulong? MemoryUsedBytes, ulong? MemoryTotalBytes);
