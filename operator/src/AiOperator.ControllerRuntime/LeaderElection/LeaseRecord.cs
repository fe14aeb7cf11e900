namespace AiOperator.ControllerRuntime.LeaderElection;

/// <summary>The fields of a coordination.k8s.io Lease that leader election reads and writes.</summary>
public sealed record LeaseRecord(
    string? HolderIdentity,
    int LeaseDurationSeconds,
    DateTimeOffset? AcquireTime,
    DateTimeOffset? RenewTime,
    int LeaseTransitions,
    string? ResourceVersion = null);
