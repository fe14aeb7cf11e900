using AiOperator.ModelServer.Hosting;
using AiOperator.ModelServer.Tests.Support;
using Xunit;

namespace AiOperator.ModelServer.Tests.Hosting;

public sealed class TerminationLogTests
{
    [Fact]
    public void Writes_the_reason_to_the_configured_path_capped_at_4000_chars()
    {
        var path = Path.Combine(TestModels.Directory, $"term-{Guid.NewGuid():N}");
        Assert.Equal(path, TerminationLog.Write(path, new string('r', 5000)));
        Assert.Equal(4000, File.ReadAllText(path).Length);
    }

    [Fact]
    public void Unwritable_path_returns_null_instead_of_throwing() =>
        Assert.Null(TerminationLog.Write("/nonexistent-dir/sub/termination-log", "x"));
}
