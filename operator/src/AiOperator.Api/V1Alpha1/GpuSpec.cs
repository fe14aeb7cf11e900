using System.ComponentModel;
using System.Text.Json.Serialization;
using AiOperator.Api.Schema;

namespace AiOperator.Api.V1Alpha1;

[Description("GPUs per pod.")]
public sealed class GpuSpec
{
    [JsonPropertyName("count"), SchemaDefault("0"), SchemaRange(minimum: 0, maximum: 16)]
    [Description("GPUs (or MIG slices) per pod; 0 runs on CPU.")]
    public int? Count { get; set; }

    [JsonPropertyName("resourceName"), SchemaDefault("\"nvidia.com/gpu\""), SchemaPattern("^nvidia\\.com/(gpu|mig-[0-9]+g\\.[0-9]+gb)$")]
    [Description("Extended resource to request: nvidia.com/gpu or a MIG profile such as nvidia.com/mig-1g.10gb.")]
    public string? ResourceName { get; set; }

    [JsonPropertyName("product"), SchemaLength(maximum: 128)]
    [Description("GPU product; becomes nodeSelector nvidia.com/gpu.product.")]
    public string? Product { get; set; }
}
