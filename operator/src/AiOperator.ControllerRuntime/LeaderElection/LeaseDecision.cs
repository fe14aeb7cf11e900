namespace AiOperator.ControllerRuntime.LeaderElection;

/// <summary>
/// Pure leader-election step (client-go's rules): expiry is judged by when this elector last saw the
/// record change on its own clock, never by the holder's timestamps, so clock skew cannot steal a lease.
/// </summary>
public static class LeaseDecision
{
    public static LeaseStep Decide(LeaseRecord? current, string identity, DateTimeOffset now, DateTimeOffset observedAt, TimeSpan defaultDuration)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity);
        if (current is null)
        {
            return LeaseStep.Create;
        }

        if (current.HolderIdentity == identity)
        {
            return LeaseStep.Renew;
        }

        if (string.IsNullOrEmpty(current.HolderIdentity))
        {
            return LeaseStep.TakeOver;
        }

        var duration = current.LeaseDurationSeconds > 0 ? TimeSpan.FromSeconds(current.LeaseDurationSeconds) : defaultDuration;
        return observedAt + duration <= now ? LeaseStep.TakeOver : LeaseStep.Follow;
    }
}
