using AiOperator.ControllerRuntime.Informers;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>
/// Level-triggered reconcile of one namespace/name: read the object and its children from informer
/// caches (it may be gone), converge the cluster, write status. Never told which event happened.
/// Throwing retries with per-key backoff; a 409 Conflict from a write is retried the same way.
/// </summary>
public interface IReconciler
{
    Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken);
}
