using System.Globalization;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;

namespace AiOperator.LocalCluster.ApiServer.Tables;

// The JSONPath subset printer columns use: .a.b, .a[0].b, .a[*].b, ['x.y'] and [?(@.k=="v")] filters.
internal sealed class JsonPathExpression
{
    private readonly IReadOnlyList<Step> _steps;

    private JsonPathExpression(IReadOnlyList<Step> steps)
    {
        _steps = steps;
    }

    public static JsonPathExpression Parse(string text)
    {
        var path = text.Trim();
        if (path.StartsWith('{') && path.EndsWith('}'))
        {
            path = path[1..^1];
        }

        if (path.StartsWith('$'))
        {
            path = path[1..];
        }

        var steps = new List<Step>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                var start = i;
                while (i < path.Length && path[i] != '.' && path[i] != '[')
                {
                    i++;
                }

                if (i > start)
                {
                    steps.Add(new Step(StepKind.Field, path[start..i], null, null, false));
                }
            }
            else if (path[i] == '[')
            {
                var end = FindClose(path, i);
                var inner = path[(i + 1)..end].Trim();
                i = end + 1;
                if (inner == "*")
                {
                    steps.Add(new Step(StepKind.All, "", null, null, false));
                }
                else if (inner.StartsWith("?(", StringComparison.Ordinal) && inner.EndsWith(')'))
                {
                    steps.Add(ParseFilter(inner[2..^1]));
                }
                else if (inner.StartsWith('\'') || inner.StartsWith('"'))
                {
                    steps.Add(new Step(StepKind.Field, inner[1..^1], null, null, false));
                }
                else if (int.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
                {
                    steps.Add(new Step(StepKind.Index, index.ToString(CultureInfo.InvariantCulture), null, null, false));
                }
                else
                {
                    throw new FormatException($"unsupported JSONPath segment [{inner}] in {text}");
                }
            }
            else
            {
                var start = i;
                while (i < path.Length && path[i] != '.' && path[i] != '[')
                {
                    i++;
                }

                steps.Add(new Step(StepKind.Field, path[start..i], null, null, false));
            }
        }

        return new JsonPathExpression(steps);
    }

    public IReadOnlyList<JsonNode?> Evaluate(JsonNode? root)
    {
        IEnumerable<JsonNode?> current = [root];
        foreach (var step in _steps)
        {
            current = current.SelectMany(node => Apply(step, node)).ToList();
        }

        return current.Where(n => n is not null).ToList();
    }

    private static IEnumerable<JsonNode?> Apply(Step step, JsonNode? node)
    {
        switch (step.Kind)
        {
            case StepKind.Field when node is JsonObject obj && obj.ContainsKey(step.Name):
                yield return obj[step.Name];
                break;
            case StepKind.Index when node is JsonArray array:
                var index = int.Parse(step.Name, CultureInfo.InvariantCulture);
                if (index < 0)
                {
                    index += array.Count;
                }

                if (index >= 0 && index < array.Count)
                {
                    yield return array[index];
                }

                break;
            case StepKind.All when node is JsonArray all:
                foreach (var item in all)
                {
                    yield return item;
                }

                break;
            case StepKind.All when node is JsonObject values:
                foreach (var pair in values)
                {
                    yield return pair.Value;
                }

                break;
            case StepKind.Filter when node is JsonArray candidates:
                foreach (var item in candidates)
                {
                    var matches = step.FilterPath!.Evaluate(item);
                    var left = matches.Count > 0 ? matches[0] : null;
                    var equal = JsonTree.ScalarText(left) == step.FilterValue;
                    if (equal != step.FilterNegated)
                    {
                        yield return item;
                    }
                }

                break;
        }
    }

    private static Step ParseFilter(string filter)
    {
        var negated = filter.Contains("!=", StringComparison.Ordinal);
        var parts = filter.Split(negated ? "!=" : "==", 2);
        if (parts.Length != 2 || !parts[0].Trim().StartsWith('@'))
        {
            throw new FormatException($"unsupported JSONPath filter ?({filter})");
        }

        var value = parts[1].Trim();
        if (value.Length >= 2 && (value[0] == '"' || value[0] == '\''))
        {
            value = value[1..^1];
        }

        return new Step(StepKind.Filter, "", Parse(parts[0].Trim()[1..]), value, negated);
    }

    private static int FindClose(string path, int open)
    {
        var depth = 0;
        char? quote = null;
        for (var i = open; i < path.Length; i++)
        {
            var c = path[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '[' or '(':
                    depth++;
                    break;
                case ']' or ')':
                    depth--;
                    if (depth == 0 && c == ']')
                    {
                        return i;
                    }

                    break;
            }
        }

        throw new FormatException($"unclosed [ in JSONPath {path}");
    }

    private sealed record Step(StepKind Kind, string Name, JsonPathExpression? FilterPath, string? FilterValue, bool FilterNegated);

    private enum StepKind
    {
        Field,
        Index,
        All,
        Filter,
    }
}
