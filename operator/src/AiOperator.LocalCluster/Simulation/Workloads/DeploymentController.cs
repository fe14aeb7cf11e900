using System.Net;
using AiOperator.LocalCluster.Simulation.Informers;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Workloads;

// kube-controller-manager's Deployment controller: performs what DeploymentPlan decides and
// writes the status DeploymentStatusCalculator computes.
internal sealed class DeploymentController(
    IKubernetes client,
    Informer<V1Deployment, V1DeploymentList> deployments,
    Informer<V1ReplicaSet, V1ReplicaSetList> replicaSets,
    Informer<V1Pod, V1PodList> pods,
    EventRecorder events,
    TimeProvider time,
    ILogger logger)
{
    // Template hashes per Deployment object seen: informer objects are never mutated (writes go
    // through copies), and hashing a template serializes it three times.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<V1Deployment, string> _hashes = [];

    public async Task ReconcileAsync(CancellationToken ct)
    {
        var setsByOwner = ControllerIndex.ByControllerUid(replicaSets.List());
        var livePods = LivePodsByController(pods.List());
        await ConcurrentSyncs.ForEachAsync(deployments.List().Where(d => d.Metadata.DeletionTimestamp is null), async (deployment, token) =>
        {
            try
            {
                await ReconcileOneAsync(deployment, setsByOwner, livePods, token);
            }
            catch (FormatException ex)
            {
                // Invalid maxSurge/maxUnavailable: report it where the user looks, keep the rest going.
                logger.LogWarning("{Namespace}/{Name}: {Error}", deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, ex.Message);
            }
        }, ct);
    }

    private async Task ReconcileOneAsync(V1Deployment deployment, Dictionary<string, List<V1ReplicaSet>> setsByOwner, Dictionary<string, Dictionary<string, int>> livePodsByNamespace, CancellationToken ct)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var owned = Owned(deployment, setsByOwner);
        var livePods = livePodsByNamespace.GetValueOrDefault(ns ?? string.Empty) ?? [];
        var hash = _hashes.GetValue(deployment, d => PodTemplateHash.Compute(d.Spec.Template));
        var actions = DeploymentPlan.Compute(deployment, owned, livePods, hash);
        var wrote = actions.Create is not null || actions.Changes.Count > 0 || actions.Deletes.Count > 0;
        if (actions.Create is { } create)
        {
            try
            {
                var created = await client.AppsV1.CreateNamespacedReplicaSetAsync(create, ns, cancellationToken: ct);
                replicaSets.Upsert(created);
                events.Record(deployment, "apps/v1", "Deployment", "Normal", "ScalingReplicaSet", $"Scaled up replica set {created.Metadata.Name} from 0 to {created.Spec.Replicas}");
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Exists already (our cache lagged); the watch brings it.
            }
        }

        foreach (var change in actions.Changes)
        {
            var rs = owned.First(r => r.Metadata.Name == change.Name);
            var copy = KubernetesJson.Deserialize<V1ReplicaSet>(KubernetesJson.Serialize(rs));
            var from = copy.Spec.Replicas ?? 1;
            copy.Spec.Replicas = change.Replicas;
            copy.Metadata.Annotations ??= new Dictionary<string, string>();
            copy.Metadata.Annotations[DeploymentPlan.DesiredReplicasAnnotation] = (deployment.Spec.Replicas ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (change.Revision is not null)
            {
                copy.Metadata.Annotations[DeploymentPlan.RevisionAnnotation] = change.Revision;
            }

            try
            {
                var written = await client.AppsV1.ReplaceNamespacedReplicaSetAsync(copy, rs.Metadata.Name, ns, cancellationToken: ct);
                replicaSets.Upsert(written);
                if (from != change.Replicas)
                {
                    var verb = change.Replicas > from ? "up" : "down";
                    events.Record(deployment, "apps/v1", "Deployment", "Normal", "ScalingReplicaSet", $"Scaled {verb} replica set {rs.Metadata.Name} from {from} to {change.Replicas}");
                }
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                return;
            }
        }

        foreach (var name in actions.Deletes)
        {
            try
            {
                await client.AppsV1.DeleteNamespacedReplicaSetAsync(name, ns, cancellationToken: ct);
                replicaSets.Remove(ns, name);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }
        }

        // Status from the ReplicaSets as they are now, not as the pass began: the ReplicaSet controller
        // writes their status meanwhile. After our own writes, from a fresh index (new ReplicaSets).
        var current = wrote
            ? Owned(deployment, ControllerIndex.ByControllerUid(replicaSets.List()))
            : [.. owned.Select(rs => replicaSets.Get(ns, rs.Metadata.Name)).OfType<V1ReplicaSet>().Where(rs => rs.Metadata.DeletionTimestamp is null && owned.Any(o => o.Metadata.Uid == rs.Metadata.Uid))];
        await WriteStatusAsync(deployment, current, hash, ct);
    }

    private async Task WriteStatusAsync(V1Deployment deployment, List<V1ReplicaSet> owned, string hash, CancellationToken ct)
    {
        deployment = await SyncRevisionAnnotationAsync(deployment, owned, hash, ct);
        var status = DeploymentStatusCalculator.Compute(deployment, owned, time.GetUtcNow(), hash);
        if (DeploymentStatusCalculator.SameIgnoringTimes(deployment.Status, status))
        {
            return;
        }

        var copy = KubernetesJson.Deserialize<V1Deployment>(KubernetesJson.Serialize(deployment));
        copy.Status = status;
        try
        {
            var written = await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(copy, deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, cancellationToken: ct);
            deployments.Upsert(written);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
        }
    }

    // The Deployment carries the revision of its current ReplicaSet, as `kubectl rollout history` expects.
    private async Task<V1Deployment> SyncRevisionAnnotationAsync(V1Deployment deployment, IReadOnlyList<V1ReplicaSet> owned, string hash, CancellationToken ct)
    {
        var current = owned.FirstOrDefault(rs => rs.Metadata.Labels?.TryGetValue(PodTemplateHash.Label, out var h) == true && h == hash);
        if (current is null)
        {
            return deployment;
        }

        var revision = DeploymentPlan.Revision(current).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (deployment.Metadata.Annotations?.TryGetValue(DeploymentPlan.RevisionAnnotation, out var existing) == true && existing == revision)
        {
            return deployment;
        }

        var patch = new V1Patch($"{{\"metadata\":{{\"annotations\":{{\"{DeploymentPlan.RevisionAnnotation}\":\"{revision}\"}}}}}}", V1Patch.PatchType.MergePatch);
        try
        {
            var written = await client.AppsV1.PatchNamespacedDeploymentAsync(patch, deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, cancellationToken: ct);
            deployments.Upsert(written);
            return written;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            return deployment;
        }
    }

    private static List<V1ReplicaSet> Owned(V1Deployment deployment, Dictionary<string, List<V1ReplicaSet>> setsByOwner) =>
        [.. ControllerIndex.Controlled(setsByOwner, deployment.Metadata.Uid, deployment.Metadata.NamespaceProperty).Where(rs => rs.Metadata.DeletionTimestamp is null)];

    // Per namespace, per controller uid: pods that still exist (terminating included), unfinished.
    private static Dictionary<string, Dictionary<string, int>> LivePodsByController(IEnumerable<V1Pod> all)
    {
        var result = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var pod in all)
        {
            if (pod.Status?.Phase is "Succeeded" or "Failed")
            {
                continue;
            }

            foreach (var owner in pod.Metadata.OwnerReferences ?? [])
            {
                if (owner.Controller != true)
                {
                    continue;
                }

                var ns = pod.Metadata.NamespaceProperty ?? string.Empty;
                if (!result.TryGetValue(ns, out var counts))
                {
                    counts = new Dictionary<string, int>(StringComparer.Ordinal);
                    result[ns] = counts;
                }

                counts[owner.Uid] = counts.GetValueOrDefault(owner.Uid) + 1;
            }
        }

        return result;
    }
}
