using System.Globalization;

namespace AiOperator.LocalCluster.ApiServer.Selection;

internal sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            LabelOperator.Equals => has && value == Values[0],
            LabelOperator.NotEquals => !has || value != Values[0],
            LabelOperator.In => has && Values.Contains(value!),
            LabelOperator.NotIn => !has || !Values.Contains(value!),
            LabelOperator.Exists => has,
            LabelOperator.DoesNotExist => !has,
            LabelOperator.GreaterThan => has && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var g) && g > long.Parse(Values[0], CultureInfo.InvariantCulture),
            LabelOperator.LessThan => has && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) && l < long.Parse(Values[0], CultureInfo.InvariantCulture),
            _ => false,
        };
    }
}
