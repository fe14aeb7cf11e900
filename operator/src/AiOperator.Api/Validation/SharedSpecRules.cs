using AiOperator.Api.V1Alpha1;
using k8s.Models;

namespace AiOperator.Api.Validation;

/// <summary>Rules both kinds share: GPU resources, requests vs limits, env and scheduling.</summary>
internal static class SharedSpecRules
{
    public const string MigResourcePrefix = "nvidia.com/mig-";
    public const string GpuProductLabel = "nvidia.com/gpu.product";

    public static void CheckResources(ResourcesSpec? resources, string path, List<FieldError> errors)
    {
        var gpu = resources?.Gpu;
        var count = gpu?.Count ?? 0;
        var resourceName = gpu?.ResourceName ?? "nvidia.com/gpu";
        if (resourceName.StartsWith(MigResourcePrefix, StringComparison.Ordinal) && count > 1)
        {
            errors.Add(new($"{path}.gpu.count",
                $"a MIG slice ({resourceName}) is requested at most once per pod, got {count}; use more replicas or a larger profile"));
        }

        if (resources?.Requests is { } requests && resources.Limits is { } limits)
        {
            foreach (var (name, request) in requests.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                if (limits.TryGetValue(name, out var limit) && Compare(request, limit) > 0)
                {
                    errors.Add(new($"{path}.requests.{name}",
                        $"must be less than or equal to {path}.limits.{name} ({limit})"));
                }
            }
        }

        CheckQuantities(resources?.Requests, $"{path}.requests", errors);
        CheckQuantities(resources?.Limits, $"{path}.limits", errors);
    }

    public static void CheckEnv(IList<V1EnvVar>? env, string path, List<FieldError> errors)
    {
        if (env is null)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < env.Count; i++)
        {
            var name = env[i]?.Name;
            if (string.IsNullOrEmpty(name))
            {
                errors.Add(new($"{path}[{i}].name", "required"));
            }
            else if (!seen.Add(name))
            {
                errors.Add(new($"{path}[{i}].name", $"duplicate environment variable \"{name}\""));
            }
        }
    }

    public static void CheckScheduling(SchedulingSpec? scheduling, GpuSpec? gpu, string path, List<FieldError> errors)
    {
        if (scheduling?.NodeSelector is { } selector
            && !string.IsNullOrEmpty(gpu?.Product)
            && selector.TryGetValue(GpuProductLabel, out var selected)
            && selected != gpu.Product)
        {
            errors.Add(new($"{path}.nodeSelector.{GpuProductLabel}",
                $"conflicts with resources.gpu.product \"{gpu.Product}\"; set the product in one place"));
        }
    }

    private static void CheckQuantities(IDictionary<string, ResourceQuantity>? quantities, string path, List<FieldError> errors)
    {
        if (quantities is null)
        {
            return;
        }

        foreach (var (name, quantity) in quantities)
        {
            if (name.StartsWith("nvidia.com/", StringComparison.Ordinal))
            {
                errors.Add(new($"{path}.{name}", "GPUs are requested through resources.gpu, not requests/limits"));
            }
            else if (TryValue(quantity) is not { } value || value < 0)
            {
                errors.Add(new($"{path}.{name}", $"\"{quantity}\" is not a valid non-negative quantity"));
            }
        }
    }

    private static int Compare(ResourceQuantity a, ResourceQuantity b) =>
        (TryValue(a), TryValue(b)) is ({ } x, { } y) ? x.CompareTo(y) : 0;

    private static decimal? TryValue(ResourceQuantity? quantity)
    {
        try
        {
            return quantity?.ToDecimal();
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }
}
