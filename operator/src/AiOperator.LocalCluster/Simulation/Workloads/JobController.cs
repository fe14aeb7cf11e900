using System.Net;
using AiOperator.LocalCluster.Simulation.Informers;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Workloads;

// kube-controller-manager's Job controller (non-indexed): runs the Job's pods through the kubelet
// until enough succeed or too many fail (JobPlan decides), and writes status through the status
// subresource. Finished pods are kept, as the real controller keeps them for inspection.
internal sealed class JobController(
    IKubernetes client,
    Informer<V1Job, V1JobList> jobs,
    Informer<V1Pod, V1PodList> pods,
    EventRecorder events,
    TimeProvider time,
    ILogger logger)
{
    public async Task ReconcileAsync(CancellationToken ct)
    {
        var allPods = pods.List();
        foreach (var job in jobs.List())
        {
            if (job.Metadata.DeletionTimestamp is not null || JobPlan.IsFinished(job))
            {
                continue;
            }

            var owned = allPods.Where(p => p.Metadata.NamespaceProperty == job.Metadata.NamespaceProperty
                && p.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == job.Metadata.Uid) == true).ToList();
            var decision = JobPlan.Decide(job, owned, time.GetUtcNow());

            for (var i = 0; i < decision.PodsToCreate; i++)
            {
                try
                {
                    var created = await client.CoreV1.CreateNamespacedPodAsync(NewPod(job), job.Metadata.NamespaceProperty, cancellationToken: ct);
                    pods.Upsert(created);
                    events.Record(job, "batch/v1", "Job", "Normal", "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity)
                {
                    logger.LogDebug("creating a pod for job {Namespace}/{Name} failed: {Status}", job.Metadata.NamespaceProperty, job.Metadata.Name, ex.Response.StatusCode);
                }
            }

            foreach (var victim in decision.PodsToDelete)
            {
                try
                {
                    await client.CoreV1.DeleteNamespacedPodAsync(victim.Metadata.Name, victim.Metadata.NamespaceProperty, cancellationToken: ct);
                    events.Record(job, "batch/v1", "Job", "Normal", "SuccessfulDelete", $"Deleted pod: {victim.Metadata.Name}");
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
                {
                }
            }

            if (!Same(job.Status, decision.Status) && await WriteStatusAsync(job, decision.Status, ct))
            {
                if (decision.FailedReason is { } reason)
                {
                    events.Record(job, "batch/v1", "Job", "Warning", reason, decision.Status.Conditions!.First(c => c.Type == "Failed").Message);
                }
                else if (decision.Completed)
                {
                    events.Record(job, "batch/v1", "Job", "Normal", "Completed", "Job completed");
                }
            }
        }
    }

    private async Task<bool> WriteStatusAsync(V1Job job, V1JobStatus status, CancellationToken ct)
    {
        var copy = KubernetesJson.Deserialize<V1Job>(KubernetesJson.Serialize(job));
        copy.Status = status;
        try
        {
            var written = await client.BatchV1.ReplaceNamespacedJobStatusAsync(copy, job.Metadata.Name, job.Metadata.NamespaceProperty, cancellationToken: ct);
            jobs.Upsert(written);
            return true;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // A newer version is on its way through the watch; the next pass recomputes.
            return false;
        }
    }

    // Compared by what the controller decides, not by serialized form, so timestamps coming back at
    // the server's precision never cause a rewrite loop.
    private static bool Same(V1JobStatus? a, V1JobStatus b) =>
        a is not null && a.Active == b.Active && a.Ready == b.Ready && a.Succeeded == b.Succeeded && a.Failed == b.Failed
        && (a.StartTime is null) == (b.StartTime is null) && (a.CompletionTime is null) == (b.CompletionTime is null)
        && Conditions(a) == Conditions(b);

    private static string Conditions(V1JobStatus status) =>
        string.Join(',', status.Conditions?.Select(c => $"{c.Type}={c.Status}") ?? []);

    private static V1Pod NewPod(V1Job job)
    {
        var template = KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(job.Spec.Template));
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = $"{job.Metadata.Name}-{PodTemplateHash.RandomSuffix()}",
                NamespaceProperty = job.Metadata.NamespaceProperty,
                Labels = template.Metadata?.Labels,
                Annotations = template.Metadata?.Annotations,
                OwnerReferences = [DeploymentPlan.ControllerReference("batch/v1", "Job", job.Metadata)],
            },
            Spec = template.Spec,
        };
    }
}
