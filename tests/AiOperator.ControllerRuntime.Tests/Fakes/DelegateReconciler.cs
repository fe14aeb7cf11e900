using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;

namespace AiOperator.ControllerRuntime.Tests.Fakes;

internal sealed class DelegateReconciler(Func<ObjectKey, CancellationToken, Task<ReconcileResult>> reconcile) : IReconciler
{
    public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) => reconcile(key, cancellationToken);
}
