using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Patching;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Patching;

public sealed class JsonPatchTests
{
    private static string Apply(string doc, string patch) => JsonPatch.Apply(JsonNode.Parse(doc)!, JsonNode.Parse(patch)).ToJsonString();

    [Theory]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/b","value":2}]""", """{"a":1,"b":2}""")]
    [InlineData("""{"a":[1,3]}""", """[{"op":"add","path":"/a/1","value":2}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":[1]}""", """[{"op":"add","path":"/a/-","value":2}]""", """{"a":[1,2]}""")]
    [InlineData("""{"a":1,"b":2}""", """[{"op":"remove","path":"/a"}]""", """{"b":2}""")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"/a","value":{"x":1}}]""", """{"a":{"x":1}}""")]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"move","from":"/a/b","path":"/c"}]""", """{"a":{},"c":1}""")]
    [InlineData("""{"a":[1]}""", """[{"op":"copy","from":"/a","path":"/b"}]""", """{"a":[1],"b":[1]}""")]
    [InlineData("""{"a/b":1,"m~n":2}""", """[{"op":"replace","path":"/a~1b","value":3},{"op":"remove","path":"/m~0n"}]""", """{"a/b":3}""")]
    [InlineData("""{"a":1}""", """[{"op":"test","path":"/a","value":1},{"op":"replace","path":"/a","value":2}]""", """{"a":2}""")]
    public void Applies_rfc6902_operations(string doc, string patch, string expected) => Assert.Equal(expected, Apply(doc, patch));

    [Theory]
    [InlineData("""[{"op":"test","path":"/a","value":2}]""")]
    [InlineData("""[{"op":"remove","path":"/missing"}]""")]
    [InlineData("""[{"op":"replace","path":"/x/y","value":1}]""")]
    [InlineData("""[{"op":"frobnicate","path":"/a"}]""")]
    [InlineData("""[{"op":"add","path":"/b"}]""")]
    public void Failing_operations_are_422(string patch) =>
        Assert.Equal(422, Assert.Throws<ApiException>(() => Apply("""{"a":1}""", patch)).Code);

    [Fact]
    public void A_patch_that_is_not_an_array_is_400() =>
        Assert.Equal(400, Assert.Throws<ApiException>(() => Apply("""{"a":1}""", """{"op":"add"}""")).Code);
}
