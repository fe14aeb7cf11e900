namespace AiOperator.LocalCluster;

// A group of identical simulated nodes named <NamePrefix>-<index>.
public sealed record NodePool
{
    public required string NamePrefix { get; init; }

    public int Count { get; init; } = 1;

    // Whole GPUs (nvidia.com/gpu); 0 for a MIG-only or CPU pool.
    public int Gpus { get; init; }

    public string? GpuProduct { get; init; }

    // Extra extended resources, e.g. "nvidia.com/mig-1g.10gb" -> 7.
    public IReadOnlyDictionary<string, int> ExtendedResources { get; init; } = new Dictionary<string, int>();

    public string Cpu { get; init; } = "32";

    public string Memory { get; init; } = "256Gi";

    public int MaxPods { get; init; } = 110;

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    // GPU pools get the nvidia.com/gpu:NoSchedule taint, as GPU operators configure real clusters.
    public bool TaintGpuNodes { get; init; } = true;
}
