using System.Net;
using AiOperator.LocalCluster.Simulation.Informers;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Networking;

// The service IP allocator: every non-headless Service gets a loopback clusterIP so the host can
// reach it; an address someone else already set is kept when it is loopback and free.
internal sealed class ServiceAddressController(
    IKubernetes client,
    Informer<V1Service, V1ServiceList> services,
    LoopbackAddressPool pool,
    ILogger logger) : IDisposable
{
    private readonly Dictionary<string, IPAddress> _assigned = new(StringComparer.Ordinal);

    public async Task ReconcileAsync(CancellationToken ct)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        var toWrite = new List<(V1Service Service, IPAddress Address)>();
        foreach (var service in services.List())
        {
            var key = $"{service.Metadata.NamespaceProperty}/{service.Metadata.Name}/{service.Metadata.Uid}";
            live.Add(key);
            var spec = service.Spec ??= new V1ServiceSpec();
            if (spec.ClusterIP == "None" || spec.Type == "ExternalName")
            {
                continue;
            }

            if (_assigned.TryGetValue(key, out var mine) && spec.ClusterIP == mine.ToString())
            {
                continue;
            }

            if (IPAddress.TryParse(spec.ClusterIP, out var existing) && IsLoopback(existing) && pool.TryReserve(existing))
            {
                _assigned[key] = existing;
                continue;
            }

            var address = _assigned.TryGetValue(key, out var pending) ? pending : pool.Allocate();
            _assigned[key] = address;
            toWrite.Add((service, address));
        }

        // Addresses are chosen above, one at a time; only the writes run side by side.
        await Informers.ConcurrentSyncs.ForEachAsync(toWrite, async (item, token) =>
        {
            var (service, address) = item;
            var patch = new V1Patch($"{{\"spec\":{{\"clusterIP\":\"{address}\",\"clusterIPs\":[\"{address}\"]}}}}", V1Patch.PatchType.MergePatch);
            try
            {
                var written = await client.CoreV1.PatchNamespacedServiceAsync(patch, service.Metadata.Name, service.Metadata.NamespaceProperty, cancellationToken: token);
                services.Upsert(written);
                logger.LogInformation("service {Namespace}/{Name} got clusterIP {Address}", service.Metadata.NamespaceProperty, service.Metadata.Name, address);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity)
            {
                logger.LogWarning("could not set clusterIP of {Namespace}/{Name}: {Status}", service.Metadata.NamespaceProperty, service.Metadata.Name, ex.Response.StatusCode);
            }
        }, ct);

        foreach (var gone in _assigned.Keys.Where(k => !live.Contains(k)).ToList())
        {
            pool.Release(_assigned[gone]);
            _assigned.Remove(gone);
        }
    }

    // The pool is shared by every cluster in the process: a cluster restarted on the same state folder
    // must find its Services' addresses free again.
    public void Dispose()
    {
        foreach (var address in _assigned.Values)
        {
            pool.Release(address);
        }

        _assigned.Clear();
    }

    private static bool IsLoopback(IPAddress address) => address.GetAddressBytes() is [127, _, _, _];
}
