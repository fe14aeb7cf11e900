using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Tables;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Tables;

public sealed class JsonPathExpressionTests
{
    private static readonly JsonNode Doc = JsonNode.Parse("""
        {"spec":{"model":{"name":"resnet"},"ports":[{"port":80},{"port":81}]},
         "metadata":{"labels":{"a.b/c":"x"}},
         "status":{"conditions":[{"type":"Progressing","status":"False"},{"type":"Ready","status":"True"}]}}
        """)!;

    [Theory]
    [InlineData(".spec.model.name", "resnet")]
    [InlineData(".spec.ports[0].port", "80")]
    [InlineData(".spec.ports[-1].port", "81")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "True")]
    [InlineData(".status.conditions[?(@.type=='Progressing')].status", "False")]
    [InlineData(".metadata.labels['a.b/c']", "x")]
    [InlineData("{.spec.model.name}", "resnet")]
    public void Evaluates_the_printer_column_subset(string path, string expected) =>
        Assert.Equal(expected, AiOperator.LocalCluster.ApiServer.Json.JsonTree.ScalarText(JsonPathExpression.Parse(path).Evaluate(Doc)[0]));

    [Fact]
    public void Missing_paths_and_star_steps()
    {
        Assert.Empty(JsonPathExpression.Parse(".spec.nothing.here").Evaluate(Doc));
        Assert.Empty(JsonPathExpression.Parse(".status.conditions[?(@.type==\"Gone\")].status").Evaluate(Doc));
        Assert.Equal(2, JsonPathExpression.Parse(".spec.ports[*].port").Evaluate(Doc).Count);
    }

    [Fact]
    public void Unsupported_syntax_is_a_format_error() =>
        Assert.Throws<FormatException>(() => JsonPathExpression.Parse(".spec[abc"));
}
