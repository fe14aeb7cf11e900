namespace AiOperator.ControllerRuntime.LeaderElection;

/// <summary>One Lease object; writes are optimistic (false when someone else wrote first).</summary>
public interface ILeaseStore
{
    Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken);

    Task<LeaseRecord?> TryCreateAsync(LeaseRecord record, CancellationToken cancellationToken);

    /// <summary>Replaces the lease if its resourceVersion still matches record.ResourceVersion.</summary>
    Task<LeaseRecord?> TryUpdateAsync(LeaseRecord record, CancellationToken cancellationToken);
}
