using System.Globalization;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Nodes;

// The Node objects of the simulated cluster, shaped like nodes with the NVIDIA device plugin and
// GPU feature discovery: capacity/allocatable incl. nvidia.com/gpu and MIG resources, product and
// count labels, the nvidia.com/gpu:NoSchedule taint, and a Ready condition; plus untainted CPU nodes.
internal static class SimulatedNodes
{
    public const string HostIp = "127.0.0.1";

    public static IReadOnlyList<NodePool> Pools(LocalClusterOptions options)
    {
        var pools = new List<NodePool>();
        if (options.NodePools is { Count: > 0 } custom)
        {
            pools.AddRange(custom);
        }
        else if (options.Nodes > 0)
        {
            pools.Add(new NodePool { NamePrefix = "gpu-node", Count = options.Nodes, Gpus = options.GpusPerNode, GpuProduct = options.GpuProduct });
        }

        if (options.CpuNodes < 0)
        {
            throw new ArgumentException($"CpuNodes must be >= 0, got {options.CpuNodes}");
        }

        if (options.CpuNodes > 0)
        {
            pools.Add(new NodePool { NamePrefix = "cpu-node", Count = options.CpuNodes });
        }

        foreach (var pool in pools)
        {
            if (pool.Count < 0 || pool.Gpus < 0 || pool.MaxPods <= 0 || string.IsNullOrWhiteSpace(pool.NamePrefix))
            {
                throw new ArgumentException($"node pool '{pool.NamePrefix}': Count and Gpus must be >= 0, MaxPods > 0 and NamePrefix set");
            }
        }

        return pools;
    }

    public static IReadOnlyList<V1Node> Build(IReadOnlyList<NodePool> pools, DateTimeOffset now)
    {
        var nodes = new List<V1Node>();
        foreach (var pool in pools)
        {
            for (var i = 0; i < pool.Count; i++)
            {
                nodes.Add(Node($"{pool.NamePrefix}-{i}", pool, now));
            }
        }

        return nodes;
    }

    public static V1Node Node(string name, NodePool pool, DateTimeOffset now)
    {
        var resources = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(pool.Cpu),
            ["memory"] = new(pool.Memory),
            ["pods"] = new(pool.MaxPods.ToString(CultureInfo.InvariantCulture)),
            ["ephemeral-storage"] = new("500Gi"),
        };
        var labels = new Dictionary<string, string>(pool.Labels)
        {
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["node.kubernetes.io/instance-type"] = pool.NamePrefix,
        };
        var hasGpus = pool.Gpus > 0 || pool.ExtendedResources.Keys.Any(k => k.StartsWith("nvidia.com/", StringComparison.Ordinal));
        if (pool.Gpus > 0)
        {
            resources["nvidia.com/gpu"] = new(pool.Gpus.ToString(CultureInfo.InvariantCulture));
            labels["nvidia.com/gpu.count"] = pool.Gpus.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (resource, amount) in pool.ExtendedResources)
        {
            resources[resource] = new(amount.ToString(CultureInfo.InvariantCulture));
        }

        if (hasGpus)
        {
            labels["nvidia.com/gpu.present"] = "true";
            if (!string.IsNullOrEmpty(pool.GpuProduct))
            {
                labels["nvidia.com/gpu.product"] = pool.GpuProduct;
            }
        }

        var time = now.UtcDateTime;
        return new V1Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1NodeSpec
            {
                Taints = hasGpus && pool.TaintGpuNodes ? [new V1Taint { Key = "nvidia.com/gpu", Effect = "NoSchedule" }] : null,
            },
            Status = new V1NodeStatus
            {
                Capacity = resources,
                Allocatable = new Dictionary<string, ResourceQuantity>(resources),
                Addresses = [new V1NodeAddress { Type = "InternalIP", Address = HostIp }, new V1NodeAddress { Type = "Hostname", Address = name }],
                Conditions =
                [
                    new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", Message = "kubelet is posting ready status", LastHeartbeatTime = time, LastTransitionTime = time },
                    new V1NodeCondition { Type = "MemoryPressure", Status = "False", Reason = "KubeletHasSufficientMemory", Message = "kubelet has sufficient memory available", LastHeartbeatTime = time, LastTransitionTime = time },
                    new V1NodeCondition { Type = "DiskPressure", Status = "False", Reason = "KubeletHasNoDiskPressure", Message = "kubelet has no disk pressure", LastHeartbeatTime = time, LastTransitionTime = time },
                    new V1NodeCondition { Type = "PIDPressure", Status = "False", Reason = "KubeletHasSufficientPID", Message = "kubelet has sufficient PID available", LastHeartbeatTime = time, LastTransitionTime = time },
                ],
                NodeInfo = new V1NodeSystemInfo
                {
                    Architecture = "amd64",
                    OperatingSystem = "linux",
                    OsImage = "AiOperator simulated node",
                    KernelVersion = Environment.OSVersion.Version.ToString(),
                    KubeletVersion = "v1.32.0-aiop",
                    KubeProxyVersion = "v1.32.0-aiop",
                    ContainerRuntimeVersion = "aiop-local://1.0",
                    MachineID = name,
                    SystemUUID = name,
                    BootID = name,
                },
            },
        };
    }
}
