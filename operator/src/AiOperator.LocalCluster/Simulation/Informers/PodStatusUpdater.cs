using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Informers;

// Read-modify-write of pods/status with optimistic concurrency, retried on 409 like client-go's
// RetryOnConflict. Returns the written pod, or null when the pod is gone or nothing changed.
internal static class PodStatusUpdater
{
    // cached: the caller's informer copy, tried first as the base of the write (as the kubelet writes from
    // its own pod cache): a write based on it succeeds only if its resourceVersion is still current, i.e.
    // it is what a GET would return. A 409, a missing copy, or "nothing to change" on the copy (the server
    // may have moved on) falls back to reading the pod. lastWritten: the resourceVersion the caller's own
    // last write returned; a copy still at it is the server's state as far as the caller knows, so
    // nothing to change on it is the answer, without a read (most of the kubelet's wake-ups change nothing).
    public static async Task<V1Pod?> UpdateAsync(IKubernetes client, string ns, string name, Func<V1Pod, bool> mutate, CancellationToken ct, V1Pod? cached = null, string? lastWritten = null)
    {
        if (cached is not null)
        {
            var copy = KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(cached));
            if (!mutate(copy))
            {
                if (lastWritten is not null && cached.Metadata.ResourceVersion == lastWritten)
                {
                    return null;
                }
            }
            else
            {
                try
                {
                    return await client.CoreV1.ReplaceNamespacedPodStatusAsync(copy, name, ns, cancellationToken: ct);
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    // The copy was behind: read and retry below.
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }
            }
        }

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
