namespace AiOperator.Operator.Monitoring;

/// <summary>
/// Counter arithmetic as Prometheus does it: a drop in value is a reset (the counter restarted from 0,
/// so the new value is all increase).
/// </summary>
internal static class CounterMath
{
    /// <summary>Increase between the first and last point, counting resets.</summary>
    public static double Increase(ReadOnlySpan<double> values)
    {
        if (values.Length < 2)
        {
            return double.NaN;
        }

        var increase = values[^1] - values[0];
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] < values[i - 1])
            {
                increase += values[i - 1];
            }
        }

        return increase;
    }
}
