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
    public void Same_name_in_sibling_objects_is_not_a_duplicate() =>
        Assert.Empty(DuplicateFieldScanner.Scan(Encoding.UTF8.GetBytes("""{"a":{"n":1},"b":{"n":1},"c":[{"n":1},{"n":2}]}""")));

    [Fact]
    public void Malformed_input_does_not_throw() =>
        Assert.Empty(DuplicateFieldScanner.Scan(Encoding.UTF8.GetBytes("""{"a":""")));
}
