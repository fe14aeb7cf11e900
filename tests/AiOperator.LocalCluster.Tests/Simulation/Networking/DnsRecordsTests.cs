using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Networking;

using AiOperator.LocalCluster.Simulation.Networking;

public sealed class DnsRecordsTests
{
    [Fact]
    public void Services_and_headless_pod_names_get_records()
    {
        var web = new V1Service { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "prod" }, Spec = new V1ServiceSpec { ClusterIP = "127.1.0.5" } };
        var workers = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "workers", NamespaceProperty = "prod" },
            Spec = new V1ServiceSpec { ClusterIP = "None", Selector = new Dictionary<string, string> { ["app"] = "w" } },
        };
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "trainer-0", NamespaceProperty = "prod", Labels = new Dictionary<string, string> { ["app"] = "w" } },
            Spec = new V1PodSpec { Hostname = "worker-0", Subdomain = "workers", Containers = [] },
            Status = new V1PodStatus { PodIP = "127.2.0.7", Phase = "Running", Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }] },
        };

        var records = DnsRecords.Build([web, workers], [pod]);

        Assert.Equal("127.1.0.5", records["web.prod.svc.cluster.local"]);
        Assert.Equal("127.2.0.7", records["workers.prod.svc.cluster.local"]);
        Assert.Equal("127.2.0.7", records["worker-0.workers.prod.svc.cluster.local"]);
        Assert.Equal("tcp://127.2.0.7:29500", ClusterDns.Rewrite("tcp://worker-0.workers:29500", "prod", records));
    }

    [Fact]
    public void Named_target_ports_resolve_per_pod()
    {
        var port = new V1ServicePort { Port = 80, TargetPort = "http" };
        var pod = new V1Pod { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }] }] } };

        Assert.Equal(8080, ServiceEndpoints.ResolvePort(port, pod));
        Assert.Equal(9000, ServiceEndpoints.ResolvePort(new V1ServicePort { Port = 80, TargetPort = 9000 }, pod));
        Assert.Equal(80, ServiceEndpoints.ResolvePort(new V1ServicePort { Port = 80 }, pod));
        Assert.Null(ServiceEndpoints.ResolvePort(new V1ServicePort { Port = 80, TargetPort = "grpc" }, pod));
    }
}
