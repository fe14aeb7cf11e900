using System.Text;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Metrics;
using k8s;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Client;

// Watch lines as an API server may send them: the usual shape takes the one-pass decoder, every other
// shape the document path, and both give the same event.
public sealed class WatchEventDecodingTests
{
    private static readonly ResourceKind ConfigMaps = ResourceKind.For<V1ConfigMap>();
    private const string Object = """{"metadata":{"name":"cm","namespace":"ns","resourceVersion":"7","managedFields":[{"manager":"kubectl","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}}]},"data":{"a":"1"}}""";

    [Theory]
    [InlineData("""{"type":"ADDED","object":OBJ}""", WatchEventType.Added)]
    [InlineData("""{"object":OBJ,"type":"MODIFIED"}""", WatchEventType.Modified)]
    [InlineData("""{"type":"deleted","object":OBJ}""", WatchEventType.Deleted)]
    [InlineData("""{"type":"MODIFIED","object":OBJ,"extra":1}""", WatchEventType.Modified)]
    public void Every_shape_decodes_to_the_same_event_without_managed_fields(string template, WatchEventType expected)
    {
        var line = Encoding.UTF8.GetBytes(template.Replace("OBJ", Object, StringComparison.Ordinal));

        var decoded = KubeApi.DecodeWatchEvent<V1ConfigMap>(ConfigMaps, line, new ControllerMetrics());

        Assert.Equal(expected, decoded.Type);
        Assert.Equal("7", decoded.ResourceVersion);
        Assert.Equal("1", decoded.Object.Data["a"]);
        Assert.Equal("ConfigMap", decoded.Object.Kind);
        Assert.Null(decoded.Object.Metadata.ManagedFields);
        Assert.Null(decoded.Undecodable);
    }

    [Fact]
    public void An_error_event_throws_with_its_status()
    {
        var line = Encoding.UTF8.GetBytes("""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version","reason":"Expired","code":410}}""");

        var ex = Assert.Throws<KubeApiException>(() => KubeApi.DecodeWatchEvent<V1ConfigMap>(ConfigMaps, line, new ControllerMetrics()));

        Assert.Equal(410, ex.StatusCode);
    }

    [Fact]
    public void An_object_that_does_not_decode_is_reported_by_name_and_field()
    {
        var line = Encoding.UTF8.GetBytes("""{"type":"MODIFIED","object":{"metadata":{"name":"cm","namespace":"ns","resourceVersion":"8"},"data":{"a":{"not":"a string"}}}}""");

        var decoded = KubeApi.DecodeWatchEvent<V1ConfigMap>(ConfigMaps, line, new ControllerMetrics());

        Assert.Equal(WatchEventType.Modified, decoded.Type);
        Assert.Equal("cm", decoded.Object.Metadata.Name);
        Assert.Equal("data.a", decoded.Undecodable!.Field);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5.5")]
    public void A_quantity_that_does_not_parse_is_reported_by_name_and_field_without_its_value(string quantity)
    {
        var pods = ResourceKind.For<V1Pod>();
        var line = Encoding.UTF8.GetBytes("""{"type":"ADDED","object":{"metadata":{"name":"p","namespace":"ns","resourceVersion":"9"},"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"Q"}}}]}}}"""
            .Replace("Q", quantity, StringComparison.Ordinal));

        var decoded = KubeApi.DecodeWatchEvent<V1Pod>(pods, line, new ControllerMetrics());

        Assert.Equal(WatchEventType.Added, decoded.Type);
        Assert.Equal("p", decoded.Object.Metadata.Name);
        Assert.Equal("9", decoded.ResourceVersion);
        Assert.Equal("spec.containers[0].resources.requests.cpu", decoded.Undecodable!.Field);
        Assert.Equal("the value is not a Kubernetes quantity", decoded.Undecodable.Error);
    }
}
