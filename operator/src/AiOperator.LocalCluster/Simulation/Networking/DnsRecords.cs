using System.Net;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Networking;

// The records cluster DNS would serve, built from Services and pods: a Service's clusterIP (or,
// when headless, its first ready pod) and <hostname>.<subdomain> for pods behind a headless Service.
internal static class DnsRecords
{
    public static Dictionary<string, string> Build(IEnumerable<V1Service> services, IReadOnlyList<V1Pod> pods)
    {
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            var ns = service.Metadata.NamespaceProperty;
            var name = ClusterDns.ServiceName(service.Metadata.Name, ns);
            if (IPAddress.TryParse(service.Spec?.ClusterIP, out _))
            {
                records[name] = service.Spec.ClusterIP;
            }
            else if (service.Spec?.ClusterIP == "None")
            {
                var first = ServiceEndpoints.Members(service, pods).FirstOrDefault(Workloads.PodReadiness.IsReady);
                if (first is not null)
                {
                    records[name] = first.Status.PodIP;
                }

                foreach (var pod in pods.Where(p => p.Metadata.NamespaceProperty == ns && p.Spec?.Subdomain == service.Metadata.Name && !string.IsNullOrEmpty(p.Status?.PodIP)))
                {
                    var hostname = string.IsNullOrEmpty(pod.Spec.Hostname) ? pod.Metadata.Name : pod.Spec.Hostname;
                    records[ClusterDns.PodName(hostname, service.Metadata.Name, ns)] = pod.Status.PodIP;
                }
            }
        }

        return records;
    }
}
