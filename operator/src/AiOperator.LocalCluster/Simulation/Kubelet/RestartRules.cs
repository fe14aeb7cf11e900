namespace AiOperator.LocalCluster.Simulation.Kubelet;

internal static class RestartRules
{
    public static bool ShouldRestart(string? restartPolicy, int exitCode) => restartPolicy switch
    {
        "Never" => false,
        "OnFailure" => exitCode != 0,
        _ => true,
    };

    // CrashLoopBackOff: restart n waits base * 2^(n-1), capped at max, as the kubelet does.
    public static TimeSpan Backoff(int restartCount, TimeSpan baseDelay, TimeSpan max)
    {
        if (restartCount <= 0)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Min(restartCount - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(baseDelay.Ticks * factor, max.Ticks));
        return delay;
    }
}
