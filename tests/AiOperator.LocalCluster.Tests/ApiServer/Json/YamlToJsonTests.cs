using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Json;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Json;

public sealed class YamlToJsonTests
{
    [Fact]
    public void Plain_scalars_are_typed_and_quoted_ones_stay_strings()
    {
        var node = YamlToJson.Convert("a: 1\nb: \"1\"\nc: true\nd: 'true'\ne: 1.5\nf: null\ng: ~\nh: text\ni: [1, x]\nj: |\n  block\n")!;
        Assert.Equal("""{"a":1,"b":"1","c":true,"d":"true","e":1.5,"f":null,"g":null,"h":"text","i":[1,"x"],"j":"block\n"}""", node.ToJsonString());
    }

    [Fact]
    public void Duplicate_keys_and_broken_yaml_are_bad_requests()
    {
        Assert.Equal(400, Assert.Throws<ApiException>(() => YamlToJson.Convert("a: 1\na: 2\n")).Code);
        Assert.Equal(400, Assert.Throws<ApiException>(() => YamlToJson.Convert("a: [1, 2\n")).Code);
        Assert.Equal(400, Assert.Throws<ApiException>(() => YamlToJson.Convert("a: 1\n---\nb: 2\n")).Code);
    }

    [Fact]
    public void Deep_nesting_and_alias_bombs_are_refused_not_expanded()
    {
        Assert.Equal(400, Assert.Throws<ApiException>(() => YamlToJson.Convert("a: " + new string('[', 10_000) + new string(']', 10_000))).Code);
        var bomb = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 10; i++)
        {
            bomb.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        }

        Assert.Equal(400, Assert.Throws<ApiException>(() => YamlToJson.Convert(bomb.ToString())).Code);
    }
}
