using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Patching;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Patching;

public sealed class JsonMergePatchTests
{
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""{"a":"b"}""", """{"a":{"x":{"y":null}}}""", """{"a":{"x":{}}}""")]
    public void Follows_rfc7386(string target, string patch, string expected) =>
        Assert.Equal(expected, JsonMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch))!.ToJsonString());
}
