using AiOperator.LocalCluster.ApiServer.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Http;

public sealed class QueryParametersTests
{
    private static QueryCollection Query(string name, params string[] values) =>
        new(new Dictionary<string, StringValues> { [name] = new StringValues(values) });

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("", true)] // kube-apiserver: any value but 0/false is true, even an empty one
    [InlineData("yes", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    [InlineData("fAlSe", false)]
    [InlineData("0", false)]
    public void Booleans_are_false_only_for_0_and_false_in_any_case(string value, bool expected) =>
        Assert.Equal(expected, QueryParameters.Bool(Query("watch", value), "watch"));

    [Fact]
    public void An_absent_boolean_is_false_and_the_first_value_counts()
    {
        Assert.False(QueryParameters.Bool(QueryCollection.Empty, "watch"));
        Assert.Null(QueryParameters.BoolOrNull(QueryCollection.Empty, "watch"));
        Assert.False(QueryParameters.Bool(Query("watch", "false", "true"), "watch"));
    }

    [Theory]
    [InlineData("500", 500L)]
    [InlineData("+7", 7L)]
    [InlineData("-3", -3L)]
    [InlineData("007", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Integers_parse_as_go_ParseInt_base_10(string value, long expected) =>
        Assert.Equal(expected, QueryParameters.Long(Query("limit", value), "limit"));

    [Theory]
    [InlineData("", "invalid syntax")]
    [InlineData("abc", "invalid syntax")]
    [InlineData("1_000", "invalid syntax")]
    [InlineData(" 5", "invalid syntax")]
    [InlineData("5.0", "invalid syntax")]
    [InlineData("0x10", "invalid syntax")]
    [InlineData("+", "invalid syntax")]
    [InlineData("9223372036854775808", "value out of range")]
    public void Malformed_integers_are_400_naming_the_parameter(string value, string why)
    {
        var ex = Assert.Throws<ApiException>(() => QueryParameters.Long(Query("timeoutSeconds", value), "timeoutSeconds"));
        Assert.Equal(400, ex.Code);
        Assert.StartsWith("timeoutSeconds: Invalid value", ex.Message, StringComparison.Ordinal);
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_absent_integer_is_null_and_strings_take_the_first_value()
    {
        Assert.Null(QueryParameters.Long(QueryCollection.Empty, "limit"));
        Assert.Equal("a=b", QueryParameters.String(Query("labelSelector", "a=b", "c=d"), "labelSelector"));
        Assert.Equal("", QueryParameters.String(QueryCollection.Empty, "labelSelector"));
    }
}
