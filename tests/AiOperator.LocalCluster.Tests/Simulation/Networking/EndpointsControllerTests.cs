using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Networking;

using AiOperator.LocalCluster.Simulation.Kubelet;
using AiOperator.LocalCluster.Simulation.Networking;

public sealed class EndpointsControllerTests
{
    [Fact]
    public async Task Endpoint_slice_follows_pod_readiness_and_deletion()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("endpoints");
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedServiceAsync(WebService(), ns);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("fast", "50ms"), ns);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("slow", "3s"), ns);

        var partial = await SliceAsync(client, ns, s => s.Endpoints?.Count == 2 && s.Endpoints.Count(e => e.Conditions.Ready == true) == 1, "one ready, one not");
        Assert.Equal("fast", partial.Endpoints.Single(e => e.Conditions.Ready == true).TargetRef.Name);
        Assert.Equal(8080, Assert.Single(partial.Ports).Port);
        Assert.Equal("web", partial.Metadata.Labels[ServiceEndpoints.ServiceNameLabel]);
        Assert.Equal("Service", Assert.Single(partial.Metadata.OwnerReferences).Kind);

        await SliceAsync(client, ns, s => s.Endpoints?.Count(e => e.Conditions.Ready == true) == 2, "both ready");
        await TestCluster.UntilAsync(async () => (await client.CoreV1.ReadNamespacedEndpointsAsync("web", ns)).Subsets?.SingleOrDefault()?.Addresses?.Count == 2, "Endpoints with 2 ready addresses");

        await client.CoreV1.DeleteNamespacedPodAsync("fast", ns);
        var after = await SliceAsync(client, ns, s => s.Endpoints?.Count == 1, "deleted pod removed");
        Assert.Equal("slow", after.Endpoints.Single().TargetRef.Name);
    }

    [Fact]
    public async Task A_slice_removed_by_someone_else_comes_back_though_no_pod_changed()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("endpoints");
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedServiceAsync(WebService(), ns);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("fast", "50ms"), ns);
        var ready = await SliceAsync(client, ns, s => s.Endpoints?.Count(e => e.Conditions.Ready == true) == 1, "one ready");

        // The controller remembers the Service as up to date; the slice's deletion must still count as a change.
        await client.DiscoveryV1.DeleteNamespacedEndpointSliceAsync(ready.Metadata.Name, ns);

        var back = await SliceAsync(client, ns, s => s.Metadata.Uid != ready.Metadata.Uid && s.Endpoints?.Count(e => e.Conditions.Ready == true) == 1, "slice recreated");
        Assert.Equal(ready.Metadata.Name, back.Metadata.Name);
    }

    [Fact]
    public async Task Endpoints_go_with_their_service_while_those_a_person_wrote_stay()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("endpoints");
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedServiceAsync(WebService(), ns);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("fast", "50ms"), ns);
        await TestCluster.UntilAsync(async () => (await client.CoreV1.ListNamespacedEndpointsAsync(ns)).Items.Any(e => e.Metadata.Name == "web"), "Endpoints web written");

        // A selector-less Service's Endpoints are the user's own: not the controller's to delete.
        await client.CoreV1.CreateNamespacedEndpointsAsync(new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = "external" },
            Subsets = [new V1EndpointSubset { Addresses = [new V1EndpointAddress { Ip = "10.9.9.9" }], Ports = [new Corev1EndpointPort { Port = 443 }] }],
        }, ns);

        await client.CoreV1.DeleteNamespacedServiceAsync("web", ns);
        await TestCluster.UntilAsync(async () => (await client.CoreV1.ListNamespacedEndpointsAsync(ns)).Items.All(e => e.Metadata.Name != "web"), "Endpoints web deleted with its Service");
        Assert.Contains((await client.CoreV1.ListNamespacedEndpointsAsync(ns)).Items, e => e.Metadata.Name == "external");
    }

    private static V1Pod Pod(string name, string readyAfter) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["app"] = "web" },
            Annotations = new Dictionary<string, string> { [SimulationAnnotations.Prefix + "ready-after"] = readyAfter },
        },
        Spec = TestCluster.PodSpec("example.com/web:1", 0),
    };

    private static Task<V1EndpointSlice> SliceAsync(Kubernetes client, string ns, Func<V1EndpointSlice, bool> condition, string what) =>
        TestCluster.UntilAsync(async () =>
            (await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, labelSelector: $"{ServiceEndpoints.ServiceNameLabel}=web")).Items.FirstOrDefault(condition), what);

    // Service "web": app=web pods, port 80 to 8080.
    private static V1Service WebService() => new()
    {
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] },
    };
}
