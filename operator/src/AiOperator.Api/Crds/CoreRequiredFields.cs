using k8s.Models;

namespace AiOperator.Api.Crds;

/// <summary>
/// Required fields of the core Kubernetes types our specs embed, as the core API's OpenAPI marks them
/// (KubernetesClient's models carry no such marker).
/// </summary>
internal static class CoreRequiredFields
{
    private static readonly Dictionary<Type, string[]> Required = new()
    {
        [typeof(V1EnvVar)] = ["name"],
        [typeof(V1ConfigMapKeySelector)] = ["key"],
        [typeof(V1SecretKeySelector)] = ["key"],
        [typeof(V1ObjectFieldSelector)] = ["fieldPath"],
        [typeof(V1ResourceFieldSelector)] = ["resource"],
        [typeof(V1FileKeySelector)] = ["key", "path", "volumeName"],
        [typeof(V1NodeSelector)] = ["nodeSelectorTerms"],
        [typeof(V1NodeSelectorRequirement)] = ["key", "operator"],
        [typeof(V1PreferredSchedulingTerm)] = ["preference", "weight"],
        [typeof(V1WeightedPodAffinityTerm)] = ["podAffinityTerm", "weight"],
        [typeof(V1PodAffinityTerm)] = ["topologyKey"],
        [typeof(V1LabelSelectorRequirement)] = ["key", "operator"],
    };

    public static IReadOnlyList<string> For(Type type) => Required.TryGetValue(type, out var fields) ? fields : [];
}
