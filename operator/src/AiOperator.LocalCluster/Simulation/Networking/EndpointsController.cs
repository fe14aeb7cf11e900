using System.Net;
using AiOperator.LocalCluster.Simulation.Informers;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Networking;

// The EndpointSlice and Endpoints controllers: one slice (and one Endpoints) per Service with a
// selector, following pod readiness; written only when their content changes.
internal sealed class EndpointsController(
    IKubernetes client,
    Informer<V1Service, V1ServiceList> services,
    Informer<V1Pod, V1PodList> pods,
    Informer<V1EndpointSlice, V1EndpointSliceList> slices,
    Informer<V1Endpoints, V1EndpointsList> endpoints,
    ILogger logger)
{
    public async Task ReconcileAsync(CancellationToken ct)
    {
        var index = new PodLabelIndex(pods.List());
        var selecting = services.List().Where(s => s.Spec?.Selector is { Count: > 0 } && s.Metadata.DeletionTimestamp is null);
        await ConcurrentSyncs.ForEachAsync(selecting, (service, token) => SyncAsync(service, index, token), ct);
    }

    private async ValueTask SyncAsync(V1Service service, PodLabelIndex index, CancellationToken ct)
    {
        var ns = service.Metadata.NamespaceProperty;
        var candidates = index.Candidates(ns, service.Spec.Selector);
        var slice = ServiceEndpoints.Slice(service, candidates);
        var existingSlice = slices.Get(ns, slice.Metadata.Name);
        if (existingSlice is null)
        {
            await WriteAsync(() => client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(slice, ns, cancellationToken: ct), slices.Upsert);
        }
        else if (Shape(existingSlice) != Shape(slice))
        {
            slice.Metadata.ResourceVersion = existingSlice.Metadata.ResourceVersion;
            await WriteAsync(() => client.DiscoveryV1.ReplaceNamespacedEndpointSliceAsync(slice, slice.Metadata.Name, ns, cancellationToken: ct), slices.Upsert);
        }

        var ep = ServiceEndpoints.Endpoints(service, candidates);
        var existingEp = endpoints.Get(ns, ep.Metadata.Name);
        if (existingEp is null)
        {
            await WriteAsync(() => client.CoreV1.CreateNamespacedEndpointsAsync(ep, ns, cancellationToken: ct), endpoints.Upsert);
        }
        else if (KubernetesJson.Serialize(new { existingEp.Subsets }) != KubernetesJson.Serialize(new { ep.Subsets }))
        {
            ep.Metadata.ResourceVersion = existingEp.Metadata.ResourceVersion;
            await WriteAsync(() => client.CoreV1.ReplaceNamespacedEndpointsAsync(ep, ep.Metadata.Name, ns, cancellationToken: ct), endpoints.Upsert);
        }
    }

    private async Task WriteAsync<T>(Func<Task<T>> write, Action<T> remember)
    {
        try
        {
            remember(await write());
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            logger.LogDebug("endpoint write skipped: {Status}", ex.Response.StatusCode);
        }
    }

    private static string Shape(V1EndpointSlice slice) => KubernetesJson.Serialize(new { slice.Endpoints, slice.Ports });
}
