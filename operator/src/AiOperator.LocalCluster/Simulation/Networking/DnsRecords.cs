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

    // Names of pods behind a headless Service that have no address yet: cluster DNS would answer for them
    // moments later, so a process that names one waits for it instead of starting with a name it cannot resolve.
    public static HashSet<string> Pending(IEnumerable<V1Service> services, IReadOnlyList<V1Pod> pods)
    {
        var pending = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services.Where(s => s.Spec?.ClusterIP == "None"))
        {
            var ns = service.Metadata.NamespaceProperty;
            foreach (var pod in pods.Where(p => p.Metadata.NamespaceProperty == ns && p.Spec?.Subdomain == service.Metadata.Name
                && string.IsNullOrEmpty(p.Status?.PodIP) && p.Metadata.DeletionTimestamp is null))
            {
                var hostname = string.IsNullOrEmpty(pod.Spec.Hostname) ? pod.Metadata.Name : pod.Spec.Hostname;
                pending.Add($"{hostname}.{service.Metadata.Name}");
                pending.Add(ClusterDns.PodName(hostname, service.Metadata.Name, ns));
            }
        }

        return pending;
    }
}
