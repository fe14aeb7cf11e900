using System.Diagnostics;
using AiOperator.Testing;
using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.PortForward;

// Real kubectl 1.32 port-forward (WebSocket-tunnelled SPDY) to a process pod and to its Service,
// with real HTTP requests through the forwarded local port.
public sealed class KubectlPortForwardTests
{
    [Fact]
    public async Task Port_forward_to_a_pod_and_to_a_service_carries_http_requests()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { CpuNodes = 1 });
        var ns = await cluster.NamespaceAsync("forward");
        await cluster.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "echo" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "echo" }, Ports = [new V1ServicePort { Name = "web", Port = 80, TargetPort = "http" }] },
        }, ns);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(EchoPod("echo-0"), ns);
        await cluster.PodAsync(ns, "echo-0", p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "echo-0 ready");

        using (var forward = await KubectlForward.StartAsync(cluster, ns, "pod/echo-0", 8080))
        {
            // Several requests over one kubectl: each is a new stream pair on the same SPDY connection.
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal("hello from echo-0\n", await forward.GetAsync("/"));
            }
        }

        using (var forward = await KubectlForward.StartAsync(cluster, ns, "svc/echo", 80))
        {
            Assert.Equal("hello from echo-0\n", await forward.GetAsync("/anything"));
        }

        using (var forward = await KubectlForward.StartAsync(cluster, ns, "pod/echo-0", 8080, webSockets: false))
        {
            Assert.Equal("hello from echo-0\n", await forward.GetAsync("/spdy"));
        }

        // An upgraded request is logged when its tunnel closes, which is after kubectl has gone: wait for it.
        await Eventually.TrueAsync(() =>
        {
            var forwards = cluster.Cluster.ApiServer.Requests.Snapshot().Where(r => r.Subresource == "portforward").ToList();
            return forwards.Any(r => r.Method == "GET") && forwards.Any(r => r.Method == "POST");
        }, "the WebSocket (GET) and the SPDY (POST) port-forward requests in the request log", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Port_forward_to_a_port_nobody_listens_on_reports_the_error_and_a_simulated_pod_is_refused()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { CpuNodes = 1 });
        var ns = await cluster.NamespaceAsync("forward-errors");
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(EchoPod("echo-0"), ns);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "simulated" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "example.com/simulated:1" }] },
        }, ns);
        await cluster.PodAsync(ns, "echo-0", p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "echo-0 ready");
        await cluster.PodAsync(ns, "simulated", p => p.Status?.Phase == "Running", "simulated pod running");

        using (var forward = await KubectlForward.StartAsync(cluster, ns, "pod/echo-0", 9))
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => forward.GetAsync("/"));
            var output = await forward.OutputContainingAsync("an error occurred forwarding");
            Assert.Contains("failed to connect to", output, StringComparison.Ordinal);
        }

        var (exitCode, refused) = cluster.Kubectl("port-forward", "-n", ns, "pod/simulated", $"{LoopbackPort.Free()}:80");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("runs simulated containers only", refused, StringComparison.Ordinal);
    }

    private static V1Pod EchoPod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "echo" } },
        Spec = new V1PodSpec
        {
            TerminationGracePeriodSeconds = 2,
            Containers =
            [
                new V1Container
                {
                    Name = "main",
                    Image = TestCluster.TestProcessImage + ":1",
                    Args = ["--host", "$(POD_IP)", "--port", "8080"],
                    Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }],
                    Env =
                    [
                        new V1EnvVar { Name = "POD_IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
                        new V1EnvVar { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
                    ],
                    ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/ready", Port = "http" }, PeriodSeconds = 1 },
                },
            ],
        },
    };
}
