using AiOperator.Api.V1Alpha1;
using k8s.Models;

namespace AiOperator.Operator.Tests.ModelDeployments;

internal static class ModelDeploymentFixtures
{
    public static ModelDeployment Resnet(int replicas = 2, int gpus = 1) => new()
    {
        Metadata = new V1ObjectMeta { Name = "resnet", NamespaceProperty = "vision", Uid = "uid-1", Generation = 3 },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSource { Name = "resnet18", Version = "3", Uri = "pvc://models/resnet18/3/model.onnx" },
            Resources = new ResourcesSpec
            {
                Gpu = new GpuSpec { Count = gpus, Product = gpus > 0 ? "NVIDIA-H100-80GB-HBM3" : null },
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2"), ["memory"] = new("8Gi") },
                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("16Gi") },
            },
            Replicas = replicas,
        },
    };
}
