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
    public async Task ReconcileAsync(CancellationToken ct)
    {
        var allSets = replicaSets.List();
        foreach (var deployment in deployments.List())
        {
            if (deployment.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            try
            {
                await ReconcileOneAsync(deployment, allSets, ct);
            }
            catch (FormatException ex)
            {
                // Invalid maxSurge/maxUnavailable: report it where the user looks, keep the rest going.
                logger.LogWarning("{Namespace}/{Name}: {Error}", deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, ex.Message);
            }
        }
    }

    private async Task ReconcileOneAsync(V1Deployment deployment, IReadOnlyList<V1ReplicaSet> allSets, CancellationToken ct)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var owned = Owned(deployment, allSets);
        var livePods = pods.List()
            .Where(p => p.Metadata.NamespaceProperty == ns && p.Status?.Phase is not ("Succeeded" or "Failed"))
            .SelectMany(p => p.Metadata.OwnerReferences?.Where(o => o.Controller == true).Select(o => o.Uid) ?? [])
            .GroupBy(uid => uid, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var actions = DeploymentPlan.Compute(deployment, owned, livePods);
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

        await WriteStatusAsync(deployment, ct);
    }

    private async Task WriteStatusAsync(V1Deployment deployment, CancellationToken ct)
    {
        var owned = Owned(deployment, replicaSets.List());
        deployment = await SyncRevisionAnnotationAsync(deployment, owned, ct);
        var status = DeploymentStatusCalculator.Compute(deployment, owned, time.GetUtcNow());
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
    private async Task<V1Deployment> SyncRevisionAnnotationAsync(V1Deployment deployment, IReadOnlyList<V1ReplicaSet> owned, CancellationToken ct)
    {
        var hash = PodTemplateHash.Compute(deployment.Spec.Template);
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

    private static List<V1ReplicaSet> Owned(V1Deployment deployment, IReadOnlyList<V1ReplicaSet> all) =>
        [.. all.Where(rs => rs.Metadata.NamespaceProperty == deployment.Metadata.NamespaceProperty
            && rs.Metadata.DeletionTimestamp is null
            && rs.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == deployment.Metadata.Uid) == true)];
}
