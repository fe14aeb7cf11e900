namespace AiOperator.Operator.Rollouts;

/// <summary>Times stored in status are whole seconds (what the API server round-trips), so a restart compares the same values.</summary>
internal static class RolloutClock
{
    public static DateTime Truncate(DateTimeOffset now) =>
        new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    public static DateTimeOffset Of(DateTime stored) => stored.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(stored.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(stored, DateTimeKind.Utc), TimeSpan.Zero),
    };
}
