using System.Text;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Protobuf;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Protobuf;

public sealed class ProtobufDecoderTests
{
    // Hand-encoded wire format: tag = number << 3 | wire type.
    private static byte[] Field(int number, byte[] payload) => [(byte)((number << 3) | 2), (byte)payload.Length, .. payload];

    private static byte[] Field(int number, string text) => Field(number, Encoding.UTF8.GetBytes(text));

    private static byte[] Varint(int number, byte value) => [(byte)(number << 3), value];

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        [.. "k8s\0"u8, .. Field(1, [.. Field(1, apiVersion), .. Field(2, kind)]), .. Field(2, raw)];

    [Fact]
    public void A_config_map_decodes_to_the_json_a_json_client_sends()
    {
        var meta = Field(1, [.. Field(1, "cm"), .. Field(3, "ns"), .. Field(11, [.. Field(1, "app"), .. Field(2, "web")]), .. Field(8, [])]);
        var raw = (byte[])[.. meta, .. Field(2, [.. Field(1, "k"), .. Field(2, "v")]), .. Field(3, [.. Field(1, "b"), .. Field(2, [0xff, 0x00])]), .. Varint(4, 0)];

        var obj = ProtobufDecoder.Decode(Envelope("v1", "ConfigMap", raw));

        Assert.Equal(
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"ns","labels":{"app":"web"}},"data":{"k":"v"},"binaryData":{"b":"/wA="},"immutable":false}""",
            obj.ToJsonString());
    }

    [Fact]
    public void Zero_scalars_are_dropped_unless_the_go_field_is_a_pointer()
    {
        // DeploymentSpec: replicas (pointer) = 0 kept; minReadySeconds (value) = 0 and paused = false dropped.
        var spec = (byte[])[.. Varint(1, 0), .. Varint(5, 0), .. Varint(7, 0), .. Field(4, [])];
        var obj = ProtobufDecoder.Decode(Envelope("apps/v1", "Deployment", [.. Field(1, Field(1, "d")), .. Field(2, spec), .. Field(3, Varint(2, 5))]));

        Assert.Equal("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":0,"strategy":{}}}""", obj.ToJsonString());
    }

    [Fact]
    public void An_unknown_field_with_a_value_is_refused_naming_it_and_an_empty_one_is_ignored()
    {
        var ignored = ProtobufDecoder.Decode(Envelope("v1", "ConfigMap", [.. Field(1, Field(1, "cm")), .. Field(9, [])]));
        Assert.Equal("cm", (string?)ignored["metadata"]!["name"]);

        var ex = Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(Envelope("v1", "ConfigMap", [.. Field(1, Field(1, "cm")), .. Field(9, "x")])));
        Assert.Equal(415, ex.Code);
        Assert.Contains("field 9 of ConfigMap", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73 })] // "k8s" without the NUL
    [InlineData(new byte[] { 0x7b, 0x7d })] // JSON sent with the protobuf content type
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x0a, 0x7f })] // length past the end
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })] // varint too long
    public void Malformed_bodies_are_400(byte[] body)
    {
        var ex = Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(body));
        Assert.Equal(400, ex.Code);
    }

    [Fact]
    public void A_wrong_wire_type_or_invalid_utf8_is_400_naming_the_field()
    {
        var wrongWire = Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(Envelope("v1", "ConfigMap", Field(1, Varint(1, 3)))));
        Assert.Equal(400, wrongWire.Code);
        Assert.Contains("ConfigMap.metadata.name", wrongWire.Message, StringComparison.Ordinal);

        var badText = Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(Envelope("v1", "ConfigMap", Field(1, Field(1, [0xc3, 0x28])))));
        Assert.Equal(400, badText.Code);
    }
}
