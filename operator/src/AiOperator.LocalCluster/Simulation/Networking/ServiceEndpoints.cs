using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Networking;

// What the EndpointSlice and Endpoints controllers publish for one Service: every pod matching the
// selector that has an IP, with ready/serving/terminating conditions; target ports resolved per pod.
internal static class ServiceEndpoints
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const string ManagedBy = "endpointslice-controller.k8s.io";

    public static V1EndpointSlice Slice(V1Service service, IEnumerable<V1Pod> pods)
    {
        var members = Members(service, pods).ToList();
        var ports = (service.Spec.Ports ?? []).Select(p => new Discoveryv1EndpointPort
        {
            Name = p.Name ?? string.Empty,
            Port = members.Select(m => ResolvePort(p, m)).FirstOrDefault(x => x is not null) ?? NumericTarget(p),
            Protocol = p.Protocol ?? "TCP",
        }).ToList();

        return new V1EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            AddressType = "IPv4",
            Metadata = new V1ObjectMeta
            {
                Name = SliceName(service),
                NamespaceProperty = service.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string> { [ServiceNameLabel] = service.Metadata.Name, [ManagedByLabel] = ManagedBy },
                OwnerReferences = [Workloads.DeploymentPlan.ControllerReference("v1", "Service", service.Metadata)],
            },
            Endpoints = [.. members.Select(pod => new V1Endpoint
            {
                Addresses = [pod.Status.PodIP],
                Conditions = new V1EndpointConditions
                {
                    Ready = Workloads.PodReadiness.IsReady(pod) && pod.Metadata.DeletionTimestamp is null,
                    Serving = Workloads.PodReadiness.IsReady(pod),
                    Terminating = pod.Metadata.DeletionTimestamp is not null,
                },
                NodeName = pod.Spec.NodeName,
                Hostname = pod.Spec.Hostname,
                TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Uid = pod.Metadata.Uid },
            })],
            Ports = ports,
        };
    }

    public static V1Endpoints Endpoints(V1Service service, IEnumerable<V1Pod> pods)
    {
        var members = Members(service, pods).Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        var ready = members.Where(Workloads.PodReadiness.IsReady).ToList();
        var notReady = members.Where(p => !Workloads.PodReadiness.IsReady(p)).ToList();
        var ports = (service.Spec.Ports ?? []).Select(p => new Corev1EndpointPort
        {
            Name = p.Name,
            Port = members.Select(m => ResolvePort(p, m)).FirstOrDefault(x => x is not null) ?? NumericTarget(p) ?? p.Port,
            Protocol = p.Protocol ?? "TCP",
        }).ToList();
        var subsets = members.Count == 0 ? null : new List<V1EndpointSubset>
        {
            new()
            {
                Addresses = ready.Count == 0 ? null : [.. ready.Select(Address)],
                NotReadyAddresses = notReady.Count == 0 ? null : [.. notReady.Select(Address)],
                Ports = ports,
            },
        };
        return new V1Endpoints
        {
            ApiVersion = "v1",
            Kind = "Endpoints",
            Metadata = new V1ObjectMeta
            {
                Name = service.Metadata.Name,
                NamespaceProperty = service.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>(service.Metadata.Labels ?? new Dictionary<string, string>()),

                // As the Endpoints controller marks what it writes: Endpoints without it (a selector-less Service's, written by a person) are never deleted.
                Annotations = new Dictionary<string, string> { [TriggerTimeAnnotation] = (service.Metadata.CreationTimestamp ?? DateTime.UnixEpoch).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) },
            },
            Subsets = subsets,
        };
    }

    public const string TriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";

    public static string SliceName(V1Service service) => $"{service.Metadata.Name}-{Workloads.PodTemplateHash.SafeEncode((uint)StableHash(service.Metadata.Uid ?? service.Metadata.Name))[..5]}";

    public static IEnumerable<V1Pod> Members(V1Service service, IEnumerable<V1Pod> pods) =>
        pods.Where(p => p.Metadata.NamespaceProperty == service.Metadata.NamespaceProperty
                && !string.IsNullOrEmpty(p.Status?.PodIP)
                && p.Status.Phase is not ("Succeeded" or "Failed")
                && LabelSelectors.Matches(service.Spec.Selector, p.Metadata.Labels))
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal);

    // A named targetPort is looked up among the pod's container ports, as kube-proxy does per pod.
    public static int? ResolvePort(V1ServicePort port, V1Pod pod)
    {
        var target = port.TargetPort?.Value;
        if (string.IsNullOrEmpty(target))
        {
            return port.Port;
        }

        if (int.TryParse(target, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return pod.Spec.Containers.SelectMany(c => c.Ports ?? []).FirstOrDefault(cp => cp.Name == target)?.ContainerPort;
    }

    private static int? NumericTarget(V1ServicePort port) =>
        int.TryParse(port.TargetPort?.Value ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    private static V1EndpointAddress Address(V1Pod pod) => new()
    {
        Ip = pod.Status.PodIP,
        NodeName = pod.Spec.NodeName,
        Hostname = pod.Spec.Hostname,
        TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Uid = pod.Metadata.Uid },
    };

    private static int StableHash(string s)
    {
        var h = 2166136261u;
        foreach (var c in s)
        {
            h = unchecked((h ^ c) * 16777619u);
        }

        return unchecked((int)h);
    }
}
