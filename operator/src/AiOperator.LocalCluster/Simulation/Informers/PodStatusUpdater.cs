using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Informers;

// Read-modify-write of pods/status with optimistic concurrency, retried on 409 like client-go's
// RetryOnConflict. Returns the written pod, or null when the pod is gone or nothing changed.
internal static class PodStatusUpdater
{
    public static async Task<V1Pod?> UpdateAsync(IKubernetes client, string ns, string name, Func<V1Pod, bool> mutate, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            V1Pod pod;
            try
            {
                pod = await client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: ct);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (!mutate(pod))
            {
                return null;
            }

            try
            {
                return await client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, name, ns, cancellationToken: ct);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
                continue;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }
    }

    public static bool IsStatus(HttpOperationException ex, HttpStatusCode code) => ex.Response.StatusCode == code;
}
