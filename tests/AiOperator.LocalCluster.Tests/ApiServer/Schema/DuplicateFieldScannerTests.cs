using System.Text;
using AiOperator.LocalCluster.ApiServer.Schema;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Schema;

public sealed class DuplicateFieldScannerTests
{
    [Fact]
    public void Reports_duplicates_with_their_paths_at_any_depth()
    {
        var json = """{"a":1,"a":2,"m":{"x":1,"x":2},"l":[{"k":1},{"k":1,"k":2}],"ok":{"x":1}}""";
        Assert.Equal(["a", "m.x", "l[1].k"], DuplicateFieldScanner.Scan(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void An_escaped_name_equals_its_plain_spelling() =>
        Assert.Equal(["m.a"], DuplicateFieldScanner.Scan(Encoding.UTF8.GetBytes("""{"m":{"a":1,"\u0061":2}}""")));

    [Fact]
    public void Duplicates_are_found_in_objects_with_many_names_and_under_a_root_array()
    {
        var many = string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"k{i}\":{i}"));
        var json = $$"""[{"x":[{{"{"}}{{many}},"k3":0,"k39":1}]}]""";
        Assert.Equal(["[0].x[0].k3", "[0].x[0].k39"], DuplicateFieldScanner.Scan(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Same_name_in_sibling_objects_is_not_a_duplicate() =>
        Assert.Empty(DuplicateFieldScanner.Scan(Encoding.UTF8.GetBytes("""{"a":{"n":1},"b":{"n":1},"c":[{"n":1},{"n":2}]}""")));

    [Fact]
    public void Malformed_input_does_not_throw() =>
        Assert.Empty(DuplicateFieldScanner.Scan(Encoding.UTF8.GetBytes("""{"a":""")));
}
