using System.Globalization;
using AiOperator.Api.V1Alpha1;
using k8s.Models;

namespace AiOperator.Operator.Pods;

/// <summary>
/// What both kinds derive alike from spec.resources and spec.scheduling (pure): GPU requests and limits,
/// the product node selector, the GPU taint toleration and the scheduler name.
/// </summary>
internal static class GpuPlacement
{
    public const string GpuTaintKey = "nvidia.com/gpu";
    public const string DefaultGpuResource = "nvidia.com/gpu";
    public const string ProductLabel = "nvidia.com/gpu.product";

    /// <summary>Requests and limits of the main container; GPUs (or a MIG slice) are requested and limited alike.</summary>
    public static V1ResourceRequirements Resources(ResourcesSpec? resources)
    {
        var gpu = resources?.Gpu ?? new GpuSpec();
        var gpuCount = gpu.Count ?? 0;
        var requests = Quantities(resources?.Requests);
        var limits = Quantities(resources?.Limits);
        if (gpuCount > 0)
        {
            // Extended resources must be requested and limited alike.
            var count = new ResourceQuantity(gpuCount.ToString(CultureInfo.InvariantCulture));
            requests[gpu.ResourceName ?? DefaultGpuResource] = count;
            limits[gpu.ResourceName ?? DefaultGpuResource] = count;
        }

        return new V1ResourceRequirements
        {
            Requests = requests.Count > 0 ? requests : null,
            Limits = limits.Count > 0 ? limits : null,
        };
    }

    public static IDictionary<string, string>? NodeSelector(SchedulingSpec? scheduling, GpuSpec? gpu)
    {
        var nodeSelector = new Dictionary<string, string>(scheduling?.NodeSelector ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(gpu?.Product))
        {
            nodeSelector[ProductLabel] = gpu.Product;
        }

        return nodeSelector.Count > 0 ? nodeSelector : null;
    }

    /// <summary>The user's tolerations plus the GPU taint's when the pod asks for GPUs.</summary>
    public static IList<V1Toleration>? Tolerations(SchedulingSpec? scheduling, GpuSpec? gpu)
    {
        var tolerations = new List<V1Toleration>(scheduling?.Tolerations ?? []);
        if ((gpu?.Count ?? 0) > 0 && !tolerations.Any(t => t.Key == GpuTaintKey))
        {
            tolerations.Add(new V1Toleration { Key = GpuTaintKey, OperatorProperty = "Exists", Effect = "NoSchedule" });
        }

        return tolerations.Count > 0 ? tolerations : null;
    }

    public static string? SchedulerName(SchedulingSpec? scheduling) =>
        string.IsNullOrEmpty(scheduling?.SchedulerName) ? null : scheduling.SchedulerName;

    public static string? PriorityClassName(SchedulingSpec? scheduling) =>
        string.IsNullOrEmpty(scheduling?.PriorityClassName) ? null : scheduling.PriorityClassName;

    private static Dictionary<string, ResourceQuantity> Quantities(IDictionary<string, ResourceQuantity>? source) =>
        source is null ? new(StringComparer.Ordinal) : new(source, StringComparer.Ordinal);
}
