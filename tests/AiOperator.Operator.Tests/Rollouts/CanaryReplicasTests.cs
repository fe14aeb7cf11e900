using AiOperator.Operator.Rollouts;

namespace AiOperator.Operator.Tests.Rollouts;

public sealed class CanaryReplicasTests
{
    [Theory]
    [InlineData(10, 20, 2)]
    [InlineData(4, 20, 1)]
    [InlineData(4, 50, 2)]
    [InlineData(3, 50, 2)]
    [InlineData(1, 20, 1)]
    [InlineData(5, 100, 5)]
    [InlineData(0, 50, 0)]
    public void Canary_is_the_rounded_share_and_at_least_one_pod(int total, int weight, int expected) =>
        Assert.Equal(expected, CanaryReplicas.Canary(total, weight));

    [Theory]
    [InlineData(10, 20, 0, 10)]
    [InlineData(10, 20, 1, 9)]
    [InlineData(10, 20, 2, 8)]
    [InlineData(10, 20, 5, 8)]
    [InlineData(1, 20, 1, 1)]
    [InlineData(2, 50, 1, 1)]
    [InlineData(4, 100, 4, 0)]
    public void Stable_shrinks_only_as_canary_pods_are_ready_and_keeps_a_pod_below_full_weight(int total, int weight, int canaryReady, int expected) =>
        Assert.Equal(expected, CanaryReplicas.Stable(total, weight, canaryReady));
}
