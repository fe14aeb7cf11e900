using k8s.Models;

namespace AiOperator.Api.Crds;

/// <summary>
/// Closed value sets of the core Kubernetes types our specs embed, as the core API validates them (KubernetesClient's
/// models type them as plain strings). In the CRD schema they make <c>kubectl apply</c> refuse <c>effect: Bogus</c>
/// at once, instead of every pod the operator renders from it being refused later.
/// </summary>
internal static class CoreEnums
{
    private static readonly Dictionary<(Type Type, string Field), string[]> Values = new()
    {
        // "" is how a toleration says "every effect" or "Equal" by default: the core API accepts it.
        [(typeof(V1Toleration), "effect")] = ["", "NoExecute", "NoSchedule", "PreferNoSchedule"],
        [(typeof(V1Toleration), "operator")] = ["", "Equal", "Exists"],
        [(typeof(V1NodeSelectorRequirement), "operator")] = ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"],
        [(typeof(V1LabelSelectorRequirement), "operator")] = ["DoesNotExist", "Exists", "In", "NotIn"],
    };

    public static IReadOnlyList<string> For(Type type, string field) => Values.TryGetValue((type, field), out var values) ? values : [];
}
