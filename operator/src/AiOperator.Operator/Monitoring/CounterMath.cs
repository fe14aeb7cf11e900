namespace AiOperator.Operator.Monitoring;

/// <summary>
/// Counter arithmetic as Prometheus does it: a drop in value is a reset (the counter restarted from 0,
/// so the new value is all increase), and rate() extrapolates the sampled increase towards the window's
/// edges (at most half a sample interval past the data, never below zero).
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

    /// <summary>Prometheus' extrapolatedRate increase over [rangeStart, rangeEnd] (seconds since any origin); NaN under two points.</summary>
    public static double ExtrapolatedIncrease(ReadOnlySpan<double> times, ReadOnlySpan<double> values, double rangeStart, double rangeEnd)
    {
        if (values.Length < 2 || times.Length != values.Length)
        {
            return double.NaN;
        }

        var result = Increase(values);
        var sampled = times[^1] - times[0];
        if (sampled <= 0)
        {
            return double.NaN;
        }

        var toStart = times[0] - rangeStart;
        var toEnd = rangeEnd - times[^1];
        var average = sampled / (values.Length - 1);

        // A counter cannot have been below zero: do not extrapolate past the point where it would be.
        if (result > 0 && values[0] >= 0)
        {
            var toZero = sampled * (values[0] / result);
            if (toZero < toStart)
            {
                toStart = toZero;
            }
        }

        var threshold = average * 1.1;
        var interval = sampled;
        interval += toStart < threshold ? toStart : average / 2;
        interval += toEnd < threshold ? toEnd : average / 2;
        return result * (interval / sampled);
    }
}
