using k8s.Models;

namespace AiOperator.LocalCluster.Tests.Simulation.Scheduling;

internal static class TestObjects
{
    public static V1Node GpuNode(string name, int gpus = 4, string product = "NVIDIA-H100-80GB-HBM3", bool tainted = true) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string>
            {
                ["kubernetes.io/hostname"] = name,
                ["nvidia.com/gpu.product"] = product,
                ["nvidia.com/gpu.count"] = gpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        },
        Spec = new V1NodeSpec { Taints = tainted ? [new V1Taint { Key = "nvidia.com/gpu", Effect = "NoSchedule" }] : null },
        Status = new V1NodeStatus
        {
            Allocatable = new Dictionary<string, ResourceQuantity>
            {
                ["cpu"] = new("32"),
                ["memory"] = new("256Gi"),
                ["pods"] = new("110"),
                ["nvidia.com/gpu"] = new(gpus.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            },
        },
    };

    public static V1Pod Pod(string name, int gpus = 0, string? cpu = null, string? node = null, bool tolerateGpu = true)
    {
        var requests = new Dictionary<string, ResourceQuantity>();
        if (cpu is not null)
        {
            requests["cpu"] = new ResourceQuantity(cpu);
        }

        var limits = new Dictionary<string, ResourceQuantity>();
        if (gpus > 0)
        {
            limits["nvidia.com/gpu"] = new ResourceQuantity(gpus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
            Spec = new V1PodSpec
            {
                NodeName = node,
                Containers = [new V1Container { Name = "c", Image = "x", Resources = new V1ResourceRequirements { Requests = requests, Limits = limits } }],
                Tolerations = tolerateGpu ? [new V1Toleration { Key = "nvidia.com/gpu", OperatorProperty = "Exists", Effect = "NoSchedule" }] : null,
            },
        };
    }
}
