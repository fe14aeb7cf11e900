using System.Net;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Networking;

// Which endpoints kube-proxy sends a new connection of a Service port to: the ready ones; a terminating pod
// (ready=false from its deletion on) gets no new connection while any ready endpoint exists. Only when none
// is ready does traffic fall back to terminating endpoints that still serve (KEP-1669, GA since 1.28), so a
// Service whose last pods are draining still answers instead of refusing.
internal static class ServiceBackends
{
    public static List<IPEndPoint> Select(IEnumerable<V1EndpointSlice> slices, string ns, string service, string? portName)
    {
        var candidates = slices
            .Where(s => s.Metadata.NamespaceProperty == ns && s.Metadata.Labels?.TryGetValue(ServiceEndpoints.ServiceNameLabel, out var n) == true && n == service)
            .SelectMany(s =>
            {
                var port = s.Ports?.FirstOrDefault(p => (p.Name ?? string.Empty) == (portName ?? string.Empty))?.Port;
                return port is null ? [] : (s.Endpoints ?? []).Select(e => (Endpoint: e, Port: port.Value));
            })
            .ToList();

        // An unset ready condition means ready (the EndpointSlice API's rule).
        var ready = candidates.Where(c => c.Endpoint.Conditions?.Ready != false && c.Endpoint.Conditions?.Terminating != true).ToList();
        var chosen = ready.Count > 0
            ? ready
            : candidates.Where(c => c.Endpoint.Conditions?.Serving == true && c.Endpoint.Conditions?.Terminating == true).ToList();

        // A stable order so round-robin is fair.
        return
        [
            .. chosen
                .SelectMany(c => (c.Endpoint.Addresses ?? []).Select(a => IPAddress.TryParse(a, out var ip) ? new IPEndPoint(ip, c.Port) : null))
                .OfType<IPEndPoint>()
                .OrderBy(e => e.ToString(), StringComparer.Ordinal),
        ];
    }
}
