using System.Net;
using AiOperator.LocalCluster.Simulation.Informers;
using AiOperator.LocalCluster.Simulation.Workloads;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Disruption;

// kube-controller-manager's disruption controller: keeps every PodDisruptionBudget's status (expected,
// desired and current healthy pods, disruptionsAllowed, the DisruptionAllowed condition) current, which
// is what the API server's pods/eviction reads to grant or refuse an eviction (kubectl drain).
internal sealed class DisruptionController(
    IKubernetes client,
    Informer<V1PodDisruptionBudget, V1PodDisruptionBudgetList> budgets,
    Informer<V1Pod, V1PodList> pods,
    Informer<V1ReplicaSet, V1ReplicaSetList> replicaSets,
    Informer<V1Deployment, V1DeploymentList> deployments,
    TimeProvider time,
    ILogger logger)
{
    public async Task ReconcileAsync(CancellationToken ct)
    {
        var all = budgets.List();
        if (all.Count == 0)
        {
            return;
        }

        var podsByNamespace = pods.List().GroupBy(p => p.Metadata.NamespaceProperty ?? "").ToDictionary(g => g.Key, g => (IReadOnlyList<V1Pod>)g.ToList(), StringComparer.Ordinal);
        var sets = replicaSets.List().Where(r => r.Metadata.Uid is not null).ToDictionary(r => r.Metadata.Uid, StringComparer.Ordinal);
        var owners = deployments.List().Where(d => d.Metadata.Uid is not null).ToDictionary(d => d.Metadata.Uid, StringComparer.Ordinal);
        (string, int)? ScaleOf(V1Pod pod)
        {
            var controller = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
            if (controller is not { Kind: "ReplicaSet" } || !sets.TryGetValue(controller.Uid, out var set))
            {
                return null;
            }

            var deployment = set.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == "Deployment");
            return deployment is not null && owners.TryGetValue(deployment.Uid, out var d)
                ? (d.Metadata.Uid, d.Spec.Replicas ?? 1)
                : (set.Metadata.Uid, set.Spec.Replicas ?? 1);
        }

        var now = time.GetUtcNow().UtcDateTime;
        foreach (var pdb in all)
        {
            if (pdb.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            var namespacePods = podsByNamespace.GetValueOrDefault(pdb.Metadata.NamespaceProperty ?? "", []);
            var health = BudgetHealth.Compute(pdb, namespacePods, ScaleOf, now);
            var status = BudgetStatus.From(health, pdb, now);
            if (!BudgetStatus.Same(pdb.Status, status))
            {
                await WriteStatusAsync(pdb, status, ct);
            }
        }
    }

    private async Task WriteStatusAsync(V1PodDisruptionBudget pdb, V1PodDisruptionBudgetStatus status, CancellationToken ct)
    {
        var copy = KubernetesJson.Deserialize<V1PodDisruptionBudget>(KubernetesJson.Serialize(pdb));
        copy.Status = status;
        try
        {
            var written = await client.PolicyV1.ReplaceNamespacedPodDisruptionBudgetStatusAsync(copy, pdb.Metadata.Name, pdb.Metadata.NamespaceProperty, cancellationToken: ct);
            budgets.Upsert(written);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // An eviction or an edit got there first; the next pass computes from what it wrote.
            logger.LogDebug("status of PodDisruptionBudget {Namespace}/{Name} not written: {Status}", pdb.Metadata.NamespaceProperty, pdb.Metadata.Name, ex.Response.StatusCode);
        }
    }
}
