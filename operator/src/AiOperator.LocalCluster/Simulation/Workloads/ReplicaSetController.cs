using System.Net;
using AiOperator.LocalCluster.Simulation.Informers;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Workloads;

// kube-controller-manager's ReplicaSet controller: owned pods (controller ownerReference) are
// created or deleted to match spec.replicas, and status is written through the status subresource.
internal sealed class ReplicaSetController(
    IKubernetes client,
    Informer<V1ReplicaSet, V1ReplicaSetList> replicaSets,
    Informer<V1Pod, V1PodList> pods,
    EventRecorder events,
    TimeProvider time,
    ILogger logger)
{
    public async Task ReconcileAsync(CancellationToken ct)
    {
        var podsByOwner = ControllerIndex.ByControllerUid(pods.List());
        await ConcurrentSyncs.ForEachAsync(replicaSets.List().Where(rs => rs.Metadata.DeletionTimestamp is null), (rs, token) => SyncAsync(rs, podsByOwner, token), ct);
    }

    private async ValueTask SyncAsync(V1ReplicaSet rs, Dictionary<string, List<V1Pod>> podsByOwner, CancellationToken ct)
    {
        var owned = ControllerIndex.Controlled(podsByOwner, rs.Metadata.Uid, rs.Metadata.NamespaceProperty).ToList();
        var active = owned.Where(PodReadiness.IsActive).ToList();
        var desired = rs.Spec.Replicas ?? 1;

        string? createFailure = null;
        var toCreate = ReplicaSetPlan.PodsToCreate(desired, active);
        for (var i = 0; i < toCreate && createFailure is null; i++)
        {
            var pod = NewPod(rs);
            try
            {
                var created = await client.CoreV1.CreateNamespacedPodAsync(pod, rs.Metadata.NamespaceProperty, cancellationToken: ct);
                pods.Upsert(created);
                active.Add(created);
                events.Record(rs, "apps/v1", "ReplicaSet", "Normal", "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.UnprocessableEntity)
            {
                // Refused by admission (PodSecurity, quota, priority) or validation: the ReplicaSet says so in
                // a ReplicaFailure condition and a FailedCreate Event, as the real controller does.
                createFailure = "Error creating: " + ServerMessage(ex);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                logger.LogDebug("creating a pod for {Namespace}/{Name} failed: {Status}", rs.Metadata.NamespaceProperty, rs.Metadata.Name, ex.Response.StatusCode);
            }
        }

        foreach (var victim in ReplicaSetPlan.PodsToDelete(desired, active))
        {
            try
            {
                await client.CoreV1.DeleteNamespacedPodAsync(victim.Metadata.Name, victim.Metadata.NamespaceProperty, cancellationToken: ct);
                events.Record(rs, "apps/v1", "ReplicaSet", "Normal", "SuccessfulDelete", $"Deleted pod: {victim.Metadata.Name}");
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }

            active.Remove(victim);
            MarkTerminating(victim);
        }

        var now = time.GetUtcNow();
        var status = ReplicaSetPlan.Status(rs, active, now);
        status.Conditions = ReplicaSetPlan.WithCreateFailure(rs.Status?.Conditions, createFailure, now.UtcDateTime);
        if (createFailure is not null && ReplicaSetPlan.FailureOf(rs.Status?.Conditions) is null)
        {
            // Once when creates start failing: the controller retries every pass, and an Event each time would be spam.
            events.Record(rs, "apps/v1", "ReplicaSet", "Warning", "FailedCreate", createFailure);
        }

        if (!Same(rs.Status, status))
        {
            await WriteStatusAsync(rs, status, ct);
        }
    }

    private void MarkTerminating(V1Pod victim)
    {
        // Keep our cache from counting the pod as active before the watch reports the delete.
        var copy = KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(victim));
        copy.Metadata.DeletionTimestamp ??= time.GetUtcNow().UtcDateTime;
        pods.Upsert(copy);
    }

    private async Task WriteStatusAsync(V1ReplicaSet rs, V1ReplicaSetStatus status, CancellationToken ct)
    {
        var copy = KubernetesJson.Deserialize<V1ReplicaSet>(KubernetesJson.Serialize(rs));
        copy.Status = status;
        try
        {
            var written = await client.AppsV1.ReplaceNamespacedReplicaSetStatusAsync(copy, rs.Metadata.Name, rs.Metadata.NamespaceProperty, cancellationToken: ct);
            replicaSets.Upsert(written);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // A newer version is on its way through the watch; the next pass recomputes.
        }
    }

    private static bool Same(V1ReplicaSetStatus? a, V1ReplicaSetStatus b) =>
        a is not null && a.Replicas == b.Replicas && a.ReadyReplicas == b.ReadyReplicas && a.AvailableReplicas == b.AvailableReplicas
        && a.FullyLabeledReplicas == b.FullyLabeledReplicas && a.ObservedGeneration == b.ObservedGeneration
        && ReplicaSetPlan.FailureOf(a.Conditions) == ReplicaSetPlan.FailureOf(b.Conditions);

    private static string ServerMessage(HttpOperationException ex)
    {
        try
        {
            using var status = System.Text.Json.JsonDocument.Parse(ex.Response.Content);
            return status.RootElement.GetProperty("message").GetString() ?? ex.Message;
        }
        catch (Exception parse) when (parse is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or ArgumentNullException)
        {
            return ex.Message;
        }
    }

    private static V1Pod NewPod(V1ReplicaSet rs)
    {
        var template = KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(rs.Spec.Template));
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = $"{rs.Metadata.Name}-{PodTemplateHash.RandomSuffix()}",
                NamespaceProperty = rs.Metadata.NamespaceProperty,
                Labels = template.Metadata?.Labels,
                Annotations = template.Metadata?.Annotations,
                OwnerReferences = [DeploymentPlan.ControllerReference("apps/v1", "ReplicaSet", rs.Metadata)],
            },
            Spec = template.Spec,
        };
    }
}
