using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Selection;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Selection;

public sealed class FieldSelectorTests
{
    private static readonly JsonObject Pod = JsonNode.Parse("""
        {"metadata":{"name":"p","namespace":"ns"},"spec":{"nodeName":"n1"},"status":{"phase":"Running"}}
        """)!.AsObject();

    [Theory]
    [InlineData("metadata.name=p", true)]
    [InlineData("metadata.name==p", true)]
    [InlineData("metadata.name!=p", false)]
    [InlineData("metadata.namespace=ns,spec.nodeName=n1", true)]
    [InlineData("status.phase=Pending", false)]
    [InlineData("spec.nodeName!=", true)]
    public void Pod_fields_match(string selector, bool expected) =>
        Assert.Equal(expected, FieldSelector.Parse(selector, "/pods").Matches(Pod));

    [Fact]
    public void Fields_the_kind_does_not_index_are_rejected()
    {
        var ex = Assert.Throws<ApiException>(() => FieldSelector.Parse("spec.nodeName=n1", "/configmaps"));
        Assert.Equal(400, ex.Code);
        Assert.Contains("spec.nodeName", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_involved_object_fields_are_supported()
    {
        var ev = JsonNode.Parse("""{"metadata":{"name":"e"},"involvedObject":{"kind":"Pod","name":"p","uid":"u1"}}""")!.AsObject();
        Assert.True(FieldSelector.Parse("involvedObject.kind=Pod,involvedObject.uid=u1", "/events").Matches(ev));
        Assert.False(FieldSelector.Parse("involvedObject.name=q", "/events").Matches(ev));
    }
}
