using System.Globalization;
using AiOperator.LocalCluster.ApiServer.Http;

namespace AiOperator.LocalCluster.ApiServer.Selection;

// The labelSelector query syntax: equality (=, ==, !=), sets (in, notin), existence (key, !key), gt/lt.
internal sealed class LabelSelector
{
    public static readonly LabelSelector Everything = new([]);

    private readonly IReadOnlyList<LabelRequirement> _requirements;

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements)
    {
        _requirements = requirements;
    }

    public bool IsEmpty => _requirements.Count == 0;

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        if (text.Length > 16_384)
        {
            throw ApiErrors.BadRequest("labelSelector: too long (limit 16384 characters)");
        }

        var requirements = new List<LabelRequirement>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim(), text));
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static LabelRequirement ParseRequirement(string part, string whole)
    {
        if (part.Length == 0)
        {
            throw Bad(whole, "empty requirement");
        }

        if (part[0] == '!')
        {
            return new LabelRequirement(Key(part[1..].Trim(), whole), LabelOperator.DoesNotExist, []);
        }

        var words = part.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 2 && (words[1].StartsWith("in ", StringComparison.Ordinal) || words[1].StartsWith("in(", StringComparison.Ordinal)
            || words[1].StartsWith("notin ", StringComparison.Ordinal) || words[1].StartsWith("notin(", StringComparison.Ordinal)))
        {
            var notIn = words[1].StartsWith("notin", StringComparison.Ordinal);
            var rest = words[1][(notIn ? 5 : 2)..].Trim();
            if (!rest.StartsWith('(') || !rest.EndsWith(')'))
            {
                throw Bad(whole, "set must be in parentheses");
            }

            var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries).Where(v => v.Length > 0).ToList();
            return new LabelRequirement(Key(words[0], whole), notIn ? LabelOperator.NotIn : LabelOperator.In, values);
        }

        foreach (var (token, op) in new[] { ("!=", LabelOperator.NotEquals), ("==", LabelOperator.Equals), ("=", LabelOperator.Equals), (">", LabelOperator.GreaterThan), ("<", LabelOperator.LessThan) })
        {
            var index = part.IndexOf(token, StringComparison.Ordinal);
            if (index > 0)
            {
                var value = part[(index + token.Length)..].Trim();
                if (op is LabelOperator.GreaterThan or LabelOperator.LessThan && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    throw Bad(whole, $"for 'Gt', 'Lt' operators, the value must be an integer, got {value}");
                }

                return new LabelRequirement(Key(part[..index].Trim(), whole), op, [value]);
            }
        }

        return new LabelRequirement(Key(part, whole), LabelOperator.Exists, []);
    }

    private static string Key(string key, string whole)
    {
        if (key.Length == 0 || key.Length > 317 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or ',' or '!' or '='))
        {
            throw Bad(whole, $"invalid label key \"{key}\"");
        }

        return key;
    }

    private static ApiException Bad(string whole, string why) =>
        ApiErrors.BadRequest($"unable to parse requirement: labelSelector \"{whole}\": {why}");
}
