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
    // Per Service, the resourceVersions (its own, its slice's, its Endpoints', its candidate pods') at
    // which both were last found up to date: a pass skips a Service none of them changed for, instead of
    // rebuilding and serializing a thousand slices after each pod change.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _upToDate = new(StringComparer.Ordinal);

    public async Task ReconcileAsync(CancellationToken ct)
    {
        var index = new PodLabelIndex(pods.List());
        var selecting = services.List().Where(s => s.Spec?.Selector is { Count: > 0 } && s.Metadata.DeletionTimestamp is null).ToList();
        await ConcurrentSyncs.ForEachAsync(selecting, (service, token) => SyncAsync(service, index, token), ct);
        var live = selecting.Select(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}").ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _upToDate.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _upToDate.TryRemove(gone, out _);
        }

        // Endpoints carry no ownerReference (slices do, and go with their Service): the controller deletes the ones
        // it wrote once their Service is gone or selects nothing, as kube-controller-manager's does.
        foreach (var stale in endpoints.List().Where(e => e.Metadata.Annotations?.ContainsKey(ServiceEndpoints.TriggerTimeAnnotation) == true
            && !live.Contains($"{e.Metadata.NamespaceProperty}/{e.Metadata.Name}")).ToList())
        {
            await WriteAsync(() => client.CoreV1.DeleteNamespacedEndpointsAsync(stale.Metadata.Name, stale.Metadata.NamespaceProperty, cancellationToken: ct), (V1Status _) => { });
        }
    }

    private async ValueTask SyncAsync(V1Service service, PodLabelIndex index, CancellationToken ct)
    {
        var ns = service.Metadata.NamespaceProperty;
        var candidates = index.Candidates(ns, service.Spec.Selector);
        var key = $"{ns}/{service.Metadata.Name}";
        var signature = string.Join(
            ',',
            [
                service.Metadata.Uid, service.Metadata.ResourceVersion,
                slices.Get(ns, ServiceEndpoints.SliceName(service))?.Metadata.ResourceVersion,
                endpoints.Get(ns, service.Metadata.Name)?.Metadata.ResourceVersion,
                .. candidates.Select(p => $"{p.Metadata.Uid}:{p.Metadata.ResourceVersion}"),
            ]);
        if (_upToDate.TryGetValue(key, out var last) && last == signature)
        {
            return;
        }

        var wrote = false;
        var slice = ServiceEndpoints.Slice(service, candidates);
        var existingSlice = slices.Get(ns, slice.Metadata.Name);
        if (existingSlice is null)
        {
            wrote = true;
            await WriteAsync(() => client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(slice, ns, cancellationToken: ct), slices.Upsert);
        }
        else if (Shape(existingSlice) != Shape(slice))
        {
            wrote = true;
            slice.Metadata.ResourceVersion = existingSlice.Metadata.ResourceVersion;
            await WriteAsync(() => client.DiscoveryV1.ReplaceNamespacedEndpointSliceAsync(slice, slice.Metadata.Name, ns, cancellationToken: ct), slices.Upsert);
        }

        var ep = ServiceEndpoints.Endpoints(service, candidates);
        var existingEp = endpoints.Get(ns, ep.Metadata.Name);
        if (existingEp is null)
        {
            wrote = true;
            await WriteAsync(() => client.CoreV1.CreateNamespacedEndpointsAsync(ep, ns, cancellationToken: ct), endpoints.Upsert);
        }
        else if (KubernetesJson.Serialize(new { existingEp.Subsets }) != KubernetesJson.Serialize(new { ep.Subsets }))
        {
            wrote = true;
            ep.Metadata.ResourceVersion = existingEp.Metadata.ResourceVersion;
            await WriteAsync(() => client.CoreV1.ReplaceNamespacedEndpointsAsync(ep, ep.Metadata.Name, ns, cancellationToken: ct), endpoints.Upsert);
        }

        // Recorded only when nothing had to be written: after a write the next pass checks the result.
        if (wrote)
        {
            _upToDate.TryRemove(key, out _);
        }
        else
        {
            _upToDate[key] = signature;
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
