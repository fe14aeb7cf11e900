namespace AiOperator.ControllerRuntime.LeaderElection;

/// <summary>Lease identity and timing (client-go defaults: 15 s lease, 10 s renew deadline, 2 s retry).</summary>
public sealed record LeaderElectionOptions
{
    public required string LeaseName { get; init; }

    public required string LeaseNamespace { get; init; }

    /// <summary>Unique per process: pod name plus a random suffix.</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}_{Guid.NewGuid():N}";

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A leader that could not renew for this long stops leading.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Clear the holder on shutdown so the next leader need not wait out the lease.</summary>
    public bool ReleaseOnCancel { get; init; } = true;

    public void Validate()
    {
        if (LeaseDuration <= RenewDeadline || RenewDeadline <= RetryPeriod || RetryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"leader election needs LeaseDuration ({LeaseDuration}) > RenewDeadline ({RenewDeadline}) > RetryPeriod ({RetryPeriod}) > 0");
        }

        ArgumentException.ThrowIfNullOrEmpty(LeaseName);
        ArgumentException.ThrowIfNullOrEmpty(LeaseNamespace);
        ArgumentException.ThrowIfNullOrEmpty(Identity);
    }
}
