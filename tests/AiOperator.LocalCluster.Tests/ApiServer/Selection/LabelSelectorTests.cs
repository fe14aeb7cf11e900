using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Selection;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Selection;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front", ["version"] = "3" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app in (db)", false)]
    [InlineData("app notin (db)", true)]
    [InlineData("missing notin (db)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("version>2", true)]
    [InlineData("version<3", false)]
    [InlineData("app=web,tier in (front,back),!missing", true)]
    [InlineData("app=web,tier=back", false)]
    public void Matches_like_the_Kubernetes_selector_grammar(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));

    [Theory]
    [InlineData("app in web")]
    [InlineData("a b=c")]
    [InlineData("version>abc")]
    [InlineData("app=web,,tier")]
    public void Malformed_selectors_are_bad_requests(string selector)
    {
        var ex = Assert.Throws<ApiException>(() => LabelSelector.Parse(selector));
        Assert.Equal(400, ex.Code);
        Assert.Contains(selector, ex.Message, StringComparison.Ordinal);
    }
}
