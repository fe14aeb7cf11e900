using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Kubelet;

using AiOperator.LocalCluster.Simulation.Kubelet;

public sealed class RestartRulesTests
{
    [Theory]
    [InlineData("Always", 0, true)]
    [InlineData(null, 1, true)]
    [InlineData("OnFailure", 0, false)]
    [InlineData("OnFailure", 137, true)]
    [InlineData("Never", 1, false)]
    public void Restart_policy(string? policy, int exitCode, bool restart)
    {
        Assert.Equal(restart, RestartRules.ShouldRestart(policy, exitCode));
    }

    [Fact]
    public void Backoff_doubles_and_caps()
    {
        var b = TimeSpan.FromSeconds(10);
        var max = TimeSpan.FromMinutes(5);

        Assert.Equal([TimeSpan.Zero, b, 2 * b, 4 * b, 8 * b, 16 * b, max, max], new[] { 0, 1, 2, 3, 4, 5, 6, 100 }.Select(n => RestartRules.Backoff(n, b, max)));
    }
}
