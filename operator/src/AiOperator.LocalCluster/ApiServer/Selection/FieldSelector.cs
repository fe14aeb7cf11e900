using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Json;

namespace AiOperator.LocalCluster.ApiServer.Selection;

// fieldSelector: `a=b`, `a==b`, `a!=b`, comma-joined; only the fields kube-apiserver indexes per kind.
internal sealed class FieldSelector
{
    public static readonly FieldSelector Everything = new([]);

    private static readonly Dictionary<string, string[]> ExtraFields = new(StringComparer.Ordinal)
    {
        ["/pods"] = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP", "status.nominatedNodeName"],
        ["/events"] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
        ["events.k8s.io/events"] = ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reason", "type"],
        ["/nodes"] = ["spec.unschedulable"],
        ["/namespaces"] = ["status.phase"],
        ["/secrets"] = ["type"],
        ["apps/replicasets"] = ["status.replicas"],
    };

    private readonly IReadOnlyList<(string Field, bool Equal, string Value)> _terms;

    private FieldSelector(IReadOnlyList<(string, bool, string)> terms)
    {
        _terms = terms;
    }

    public bool IsEmpty => _terms.Count == 0;

    // metadata.name=<n> alone: lets get-by-name style watches skip scanning.
    public string? ExactName => _terms.Count == 1 && _terms[0].Field == "metadata.name" && _terms[0].Equal ? _terms[0].Value : null;

    public static FieldSelector Parse(string? text, string storeKey)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        if (text.Length > 16_384)
        {
            throw ApiErrors.BadRequest("fieldSelector: too long (limit 16384 characters)");
        }

        var allowed = new List<string> { "metadata.name", "metadata.namespace" };
        if (ExtraFields.TryGetValue(storeKey, out var extra))
        {
            allowed.AddRange(extra);
        }

        var terms = new List<(string, bool, string)>();
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            string field;
            string value;
            bool equal;
            var ne = part.IndexOf("!=", StringComparison.Ordinal);
            if (ne > 0)
            {
                (field, value, equal) = (part[..ne], part[(ne + 2)..], false);
            }
            else
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw ApiErrors.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
                }

                var skip = part.Length > eq + 1 && part[eq + 1] == '=' ? 2 : 1;
                (field, value, equal) = (part[..eq], part[(eq + skip)..], true);
            }

            field = field.Trim();
            if (!allowed.Contains(field))
            {
                throw ApiErrors.BadRequest($"field label not supported: {field}");
            }

            terms.Add((field, equal, value.Trim()));
        }

        return new FieldSelector(terms);
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (field, equal, value) in _terms)
        {
            var actual = Read(obj, field);
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }

    private static string Read(JsonObject obj, string field)
    {
        JsonNode? node = obj;
        foreach (var segment in field.Split('.'))
        {
            node = (node as JsonObject)?[segment];
        }

        if (field == "spec.unschedulable" && node is null)
        {
            return "false";
        }

        return JsonTree.ScalarText(node) ?? "";
    }
}
