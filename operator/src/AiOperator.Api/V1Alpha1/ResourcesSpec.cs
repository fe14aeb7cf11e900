using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;

namespace AiOperator.Api.V1Alpha1;

[Description("Compute resources of each pod.")]
public sealed class ResourcesSpec
{
    [JsonPropertyName("gpu")]
    [Description("GPUs per pod.")]
    public GpuSpec? Gpu { get; set; }

    [JsonPropertyName("requests")]
    [Description("CPU and memory requests, as in a container's resources.requests.")]
    public IDictionary<string, ResourceQuantity>? Requests { get; set; }

    [JsonPropertyName("limits")]
    [Description("CPU and memory limits, as in a container's resources.limits.")]
    public IDictionary<string, ResourceQuantity>? Limits { get; set; }
}
