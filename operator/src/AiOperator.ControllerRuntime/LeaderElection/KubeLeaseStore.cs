using AiOperator.ControllerRuntime.Client;
using k8s.Models;

namespace AiOperator.ControllerRuntime.LeaderElection;

/// <summary>A coordination.k8s.io/v1 Lease on the API server; 409 on create or replace means "lost the race".</summary>
public sealed class KubeLeaseStore(IKubeApi api, string ns, string name) : ILeaseStore
{
    private static readonly ResourceKind LeaseKind = new("coordination.k8s.io", "v1", "Lease", "leases");

    public async Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken)
    {
        var lease = await api.GetAsync<V1Lease>(LeaseKind, ns, name, cancellationToken);
        return lease is null ? null : ToRecord(lease);
    }

    public async Task<LeaseRecord?> TryCreateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            return ToRecord(await api.CreateAsync(LeaseKind, ToLease(record), cancellationToken));
        }
        catch (KubeApiException ex) when (ex.IsConflict)
        {
            return null;
        }
    }

    public async Task<LeaseRecord?> TryUpdateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            return ToRecord(await api.ReplaceAsync(LeaseKind, ToLease(record), cancellationToken));
        }
        catch (KubeApiException ex) when (ex.IsConflict)
        {
            return null;
        }
    }

    private static LeaseRecord ToRecord(V1Lease lease) => new(
        lease.Spec?.HolderIdentity,
        lease.Spec?.LeaseDurationSeconds ?? 0,
        lease.Spec?.AcquireTime is { } acquired ? new DateTimeOffset(DateTime.SpecifyKind(acquired, DateTimeKind.Utc)) : null,
        lease.Spec?.RenewTime is { } renewed ? new DateTimeOffset(DateTime.SpecifyKind(renewed, DateTimeKind.Utc)) : null,
        lease.Spec?.LeaseTransitions ?? 0,
        lease.Metadata?.ResourceVersion);

    private V1Lease ToLease(LeaseRecord record) => new()
    {
        ApiVersion = LeaseKind.ApiVersion,
        Kind = LeaseKind.Kind,
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = record.ResourceVersion },
        Spec = new V1LeaseSpec
        {
            HolderIdentity = record.HolderIdentity,
            LeaseDurationSeconds = record.LeaseDurationSeconds,
            AcquireTime = record.AcquireTime?.UtcDateTime,
            RenewTime = record.RenewTime?.UtcDateTime,
            LeaseTransitions = record.LeaseTransitions,
        },
    };
}
