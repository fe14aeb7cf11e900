using System.Globalization;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Scheduling;

// nodeSelector plus requiredDuringSchedulingIgnoredDuringExecution: terms are ORed, the
// expressions inside a term are ANDed, exactly as the real NodeAffinity filter does.
internal static class NodeAffinity
{
    public static bool Matches(V1Pod pod, V1Node node)
    {
        var labels = node.Metadata?.Labels ?? new Dictionary<string, string>();
        foreach (var (key, value) in pod.Spec?.NodeSelector ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        var required = pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        if (required is null)
        {
            return true;
        }

        return (required.NodeSelectorTerms ?? []).Any(term => TermMatches(term, node));
    }

    public static bool TermMatches(V1NodeSelectorTerm term, V1Node node)
    {
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0)
        {
            // An empty term matches no node.
            return false;
        }

        var labels = node.Metadata?.Labels ?? new Dictionary<string, string>();
        var fieldValues = new Dictionary<string, string>(StringComparer.Ordinal) { ["metadata.name"] = node.Metadata?.Name ?? string.Empty };
        return expressions.All(e => RequirementMatches(e, labels)) && fields.All(f => RequirementMatches(f, fieldValues));
    }

    public static bool RequirementMatches(V1NodeSelectorRequirement requirement, IDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(requirement.Key, out var value);
        var values = requirement.Values ?? [];
        return requirement.OperatorProperty switch
        {
            "In" => has && values.Contains(value!),
            "NotIn" => !has || !values.Contains(value!),
            "Exists" => has,
            "DoesNotExist" => !has,
            "Gt" => has && CompareInt(value!, values) is > 0,
            "Lt" => has && CompareInt(value!, values) is < 0,
            _ => false,
        };
    }

    private static int? CompareInt(string actual, IList<string> values)
    {
        if (values.Count != 1
            || !long.TryParse(actual, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a)
            || !long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b))
        {
            return null;
        }

        return a.CompareTo(b);
    }
}
