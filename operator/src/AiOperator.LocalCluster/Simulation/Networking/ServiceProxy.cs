using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using AiOperator.LocalCluster.Simulation.Informers;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Networking;

// kube-proxy for the host: a TCP listener on each Service's clusterIP:port that forwards every
// new connection to the next ready endpoint (round-robin), so traffic splits across revisions
// by ready pod count exactly as iptables mode does on average; terminating pods get no new
// connection while a ready one exists (ServiceBackends).
internal sealed class ServiceProxy(
    Informer<V1Service, V1ServiceList> services,
    Informer<V1EndpointSlice, V1EndpointSliceList> slices,
    ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServiceListener> _listeners = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    // Listener keys per Service at the resourceVersion they were opened for: a pass skips unchanged
    // Services instead of re-deriving every key of a thousand Services after each change of one.
    private readonly Dictionary<string, (string? ResourceVersion, List<string> Keys)> _opened = new(StringComparer.Ordinal);

    public Task ReconcileAsync(CancellationToken ct)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services.List())
        {
            var serviceKey = $"{service.Metadata.NamespaceProperty}/{service.Metadata.Name}";
            seen.Add(serviceKey);
            if (_opened.TryGetValue(serviceKey, out var opened) && opened.ResourceVersion == service.Metadata.ResourceVersion)
            {
                wanted.UnionWith(opened.Keys);
                continue;
            }

            var keys = new List<string>();
            var complete = true;
            if (!IPAddress.TryParse(service.Spec?.ClusterIP, out var ip) || ip.GetAddressBytes() is not [127, _, _, _])
            {
                continue;
            }

            foreach (var port in service.Spec.Ports ?? [])
            {
                if ((port.Protocol ?? "TCP") != "TCP")
                {
                    continue;
                }

                var key = $"{service.Metadata.NamespaceProperty}/{service.Metadata.Name}/{ip}:{port.Port}";
                wanted.Add(key);
                keys.Add(key);
                if (_listeners.ContainsKey(key))
                {
                    continue;
                }

                try
                {
                    var (ns, name, portName) = (service.Metadata.NamespaceProperty, service.Metadata.Name, port.Name);
                    var listener = new ServiceListener(new IPEndPoint(ip, port.Port), () => Backends(ns, name, portName));
                    _listeners[key] = listener;
                    listener.Start(_stopping.Token);
                    logger.LogInformation("proxying {Namespace}/{Name} on {Address}:{Port}", service.Metadata.NamespaceProperty, service.Metadata.Name, ip, port.Port);
                }
                catch (SocketException ex)
                {
                    if (_listeners.TryRemove(key, out var failed))
                    {
                        failed.Dispose();
                    }

                    complete = false;

                    logger.LogWarning("cannot listen on {Address}:{Port} for {Namespace}/{Name}: {Error}", ip, port.Port, service.Metadata.NamespaceProperty, service.Metadata.Name, ex.Message);
                }
            }

            // A listener that failed is tried again on the next pass.
            if (complete)
            {
                _opened[serviceKey] = (service.Metadata.ResourceVersion, keys);
            }
            else
            {
                _opened.Remove(serviceKey);
            }
        }

        foreach (var gone in _opened.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _opened.Remove(gone);
        }

        foreach (var key in _listeners.Keys.Where(k => !wanted.Contains(k)).ToList())
        {
            if (_listeners.TryRemove(key, out var listener))
            {
                listener.Dispose();
            }
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var listener in _listeners.Values)
        {
            listener.Dispose();
        }

        _listeners.Clear();
        _stopping.Dispose();
    }

    private List<IPEndPoint> Backends(string ns, string service, string? portName) => ServiceBackends.Select(slices.List(), ns, service, portName);
}
