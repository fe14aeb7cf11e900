using AiOperator.LocalCluster.Simulation.Networking;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Networking;

public sealed class ServiceBackendsTests
{
    private static V1Endpoint Endpoint(string ip, bool? ready, bool serving = true, bool terminating = false) => new()
    {
        Addresses = [ip],
        Conditions = new V1EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating },
    };

    private static V1EndpointSlice Slice(string service, params V1Endpoint[] endpoints) => new()
    {
        Metadata = new V1ObjectMeta { Name = service + "-x", NamespaceProperty = "ns", Labels = new Dictionary<string, string> { [ServiceEndpoints.ServiceNameLabel] = service } },
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080 }],
        Endpoints = endpoints,
    };

    [Fact]
    public void A_terminating_pod_gets_no_new_connection_while_a_ready_one_exists()
    {
        var slice = Slice("m", Endpoint("127.1.0.2", ready: true), Endpoint("127.1.0.3", ready: false, serving: true, terminating: true), Endpoint("127.1.0.4", ready: null));
        Assert.Equal(["127.1.0.2:8080", "127.1.0.4:8080"], ServiceBackends.Select([slice], "ns", "m", "http").Select(e => e.ToString()));
    }

    [Fact]
    public void With_no_ready_endpoint_terminating_ones_that_still_serve_take_the_traffic()
    {
        var slice = Slice("m", Endpoint("127.1.0.3", ready: false, serving: true, terminating: true), Endpoint("127.1.0.5", ready: false, serving: false, terminating: true),
            Endpoint("127.1.0.6", ready: false, serving: false));
        Assert.Equal(["127.1.0.3:8080"], ServiceBackends.Select([slice], "ns", "m", "http").Select(e => e.ToString()));
    }

    [Fact]
    public void Only_the_services_own_slices_and_named_port_count()
    {
        var other = Slice("other", Endpoint("127.1.0.9", ready: true));
        var mine = Slice("m", Endpoint("127.1.0.2", ready: true));
        Assert.Equal(["127.1.0.2:8080"], ServiceBackends.Select([other, mine], "ns", "m", "http").Select(e => e.ToString()));
        Assert.Empty(ServiceBackends.Select([mine], "ns", "m", "grpc"));
    }
}
