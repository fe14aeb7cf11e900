namespace AiOperator.ControllerRuntime.Informers;

/// <summary>Randomized server-side watch timeout, so many watches never reconnect in lockstep (client-go: 5–10 min).</summary>
public static class WatchTimeout
{
    public static int NextSeconds(Random random, TimeSpan min, TimeSpan max)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (min <= TimeSpan.Zero || max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"watch timeout range [{min}, {max}] is invalid");
        }

        var lo = (int)Math.Ceiling(min.TotalSeconds);
        var hi = (int)Math.Floor(max.TotalSeconds);
        return hi <= lo ? lo : random.Next(lo, hi + 1);
    }
}
