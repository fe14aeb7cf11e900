using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Resources;
using k8s.Models;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// pods/eviction (policy/v1 Eviction): what kubectl drain posts. A pod a PodDisruptionBudget covers is
// deleted only while that budget allows a disruption, which the eviction spends in the budget's status
// (disruptionsAllowed - 1, the pod in disruptedPods) in the same locked step as the delete, so two
// concurrent evictions can never both take the last allowed disruption. Refusals are 429, as upstream.
internal sealed partial class ResourceRegistry
{
    public const string EvictionSubresource = "eviction";
    private const string BudgetStoreKey = "policy/poddisruptionbudgets";

    public void Evict(ResourceType podType, string ns, string name, DeleteRequest options, WriteContext ctx)
    {
        lock (_store.Gate)
        {
            var existing = _store.Get(podType.StoreKey, ns, name) ?? throw ApiErrors.NotFound(podType.Group, podType.Plural, name);
            if (options.PreconditionUid is { } uid && uid != existing.Uid)
            {
                throw ApiErrors.Conflict(podType.Group, podType.Plural, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {existing.Uid}");
            }

            if (options.PreconditionResourceVersion is { } rv && rv != existing.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                throw ApiErrors.Conflict(podType.Group, podType.Plural, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {existing.ResourceVersion}");
            }

            var budgetType = _catalog.FindByStoreKey(BudgetStoreKey)!;
            var budgets = _store.Enumerate(BudgetStoreKey, ns).ToList();
            var decision = EvictionDecision.Decide(existing.Decode<V1Pod>(), budgets.Select(b => b.Decode<V1PodDisruptionBudget>()).ToList());
            if (decision.Refusal is { } refusal)
            {
                throw refusal;
            }

            if (options.DryRun)
            {
                return;
            }

            if (decision.Charge is { } pdb)
            {
                var stored = budgets.First(b => b.Ref.Name == pdb.Metadata.Name);
                var next = stored.MutableCopy();
                var status = next.EnsureObj("status");
                status["disruptionsAllowed"] = pdb.Status!.DisruptionsAllowed - 1;
                var disrupted = status.EnsureObj("disruptedPods");
                disrupted[name] = JsonTree.Rfc3339(_time.GetUtcNow());
                UpdateLocked(budgetType, stored, next, "status", ctx);
            }

            DeleteLocked(podType, existing, options.PropagationPolicy ?? "Background", options.GracePeriodSeconds);
        }
    }
}
