using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Storage;

public sealed class ServiceValidationTests
{
    private static List<string> Errors(string specJson) => ValidationErrors.Of("/services", $$"""{"spec":{{specJson}}}""");

    [Theory]
    [InlineData("""{"ports":[{"port":80}]}""")]
    [InlineData("""{"ports":[{"name":"http","port":80,"targetPort":"web"},{"name":"metrics","port":9090,"targetPort":0}]}""")]
    [InlineData("""{"type":"NodePort","ports":[{"port":80,"nodePort":30080}]}""")]
    [InlineData("""{"clusterIP":"None"}""")]
    [InlineData("""{"type":"ExternalName","externalName":"example.com"}""")]
    public void Valid_services_pass(string spec)
    {
        Assert.Empty(Errors(spec));
    }

    [Theory]
    [InlineData("""{"ports":[{"port":0}]}""", "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive")]
    [InlineData("""{"ports":[{"port":80,"targetPort":70000}]}""", "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive")]
    [InlineData("""{"ports":[{"port":80,"targetPort":"Web_Port"}]}""", "spec.ports[0].targetPort: Invalid value: \"Web_Port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")]
    [InlineData("""{"type":"NodePort","ports":[{"port":80,"nodePort":70000}]}""", "spec.ports[0].nodePort: Invalid value: 70000: must be between 1 and 65535, inclusive")]
    [InlineData("""{"ports":[{"port":80,"nodePort":30080}]}""", "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'")]
    [InlineData("""{"ports":[{"name":"a","port":80},{"port":81}]}""", "spec.ports[1].name: Required value")]
    [InlineData("""{"ports":[{"name":"a","port":80},{"name":"a","port":81}]}""", "spec.ports[1].name: Duplicate value: \"a\"")]
    [InlineData("""{"type":"Internal","ports":[{"port":80}]}""", "spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"")]
    [InlineData("""{}""", "spec.ports: Required value")]
    public void Refused_services_name_the_field_as_kube_does(string spec, string expected)
    {
        Assert.Contains(expected, Errors(spec));
    }
}
