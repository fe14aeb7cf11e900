using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Workloads;

using AiOperator.LocalCluster.Simulation.Workloads;

public sealed class RollingUpdateMathTests
{
    [Theory]
    [InlineData("25%", "25%", 10, 3, 2)]
    [InlineData("25%", "25%", 3, 1, 0)]
    [InlineData("0", "0", 3, 0, 1)]
    [InlineData("1", "0", 3, 1, 0)]
    [InlineData("100%", "50%", 5, 5, 2)]
    [InlineData("2", "10", 3, 2, 3)]
    public void Resolve_rounds_surge_up_and_unavailable_down(string surge, string unavailable, int desired, int expectedSurge, int expectedUnavailable)
    {
        var bounds = RollingUpdateMath.Resolve(surge, unavailable, desired);

        Assert.Equal(new RolloutBounds(expectedSurge, expectedUnavailable), bounds);
    }

    [Fact]
    public void Defaults_are_25_percent()
    {
        Assert.Equal(new RolloutBounds(1, 1), RollingUpdateMath.Resolve(null, null, 4));
    }

    [Fact]
    public void Bad_values_name_the_field()
    {
        var ex = Assert.Throws<FormatException>(() => RollingUpdateMath.Resolve("x%", null, 3));
        Assert.Contains("maxSurge", ex.Message, StringComparison.Ordinal);
        Assert.Contains("maxUnavailable", Assert.Throws<FormatException>(() => RollingUpdateMath.Resolve(null, "-1", 3)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void New_replica_set_grows_only_within_the_surge()
    {
        var bounds = new RolloutBounds(1, 0);

        Assert.Equal(1, RollingUpdateMath.NewReplicaSetReplicas(3, bounds, 0, 3));
        Assert.Equal(1, RollingUpdateMath.NewReplicaSetReplicas(3, bounds, 1, 4));
        Assert.Equal(3, RollingUpdateMath.NewReplicaSetReplicas(3, bounds, 2, 2));
        Assert.Equal(3, RollingUpdateMath.NewReplicaSetReplicas(3, bounds, 5, 5));
    }

    [Fact]
    public void Old_pods_go_only_while_minimum_availability_holds()
    {
        var bounds = new RolloutBounds(1, 0);

        // 3 old available + 1 new not yet available: nothing may go.
        Assert.Equal(0, RollingUpdateMath.OldReplicasToScaleDown(3, bounds, 4, 1, 0, 3, 0));

        // The new pod became available: one old pod may go.
        Assert.Equal(1, RollingUpdateMath.OldReplicasToScaleDown(3, bounds, 4, 1, 1, 4, 0));
    }

    [Fact]
    public void Unavailable_old_pods_are_cleaned_up_first()
    {
        var bounds = new RolloutBounds(1, 1);

        // 3 old of which 2 unavailable, 1 new unavailable; min available 2.
        Assert.Equal(1, RollingUpdateMath.OldReplicasToScaleDown(3, bounds, 4, 1, 0, 1, 2));
    }

    [Fact]
    public void Whole_rollout_never_breaks_the_bounds()
    {
        // Simulate with every created pod becoming available at the next step.
        var desired = 5;
        var bounds = RollingUpdateMath.Resolve("2", "1", desired);
        int oldReplicas = 5, newReplicas = 0, newAvailable = 0, oldAvailable = 5;
        for (var step = 0; step < 50 && (oldReplicas > 0 || newAvailable < desired); step++)
        {
            var scaled = RollingUpdateMath.NewReplicaSetReplicas(desired, bounds, newReplicas, oldReplicas + newReplicas);
            if (scaled == newReplicas)
            {
                var down = RollingUpdateMath.OldReplicasToScaleDown(desired, bounds, oldReplicas + newReplicas, newReplicas, newAvailable, oldAvailable + newAvailable, oldReplicas - oldAvailable);
                oldReplicas -= Math.Min(down, oldReplicas);
                oldAvailable = Math.Min(oldAvailable, oldReplicas);
                newAvailable = newReplicas;
            }

            newReplicas = scaled;
            Assert.True(oldReplicas + newReplicas <= desired + bounds.MaxSurge, $"step {step}: surge exceeded");
            Assert.True(oldAvailable + newAvailable >= desired - bounds.MaxUnavailable, $"step {step}: availability dropped");
        }

        Assert.Equal(0, oldReplicas);
        Assert.Equal(desired, newAvailable);
    }

    [Fact]
    public void Minimum_availability()
    {
        Assert.True(RollingUpdateMath.HasMinimumAvailability(4, new RolloutBounds(1, 1), 3));
        Assert.False(RollingUpdateMath.HasMinimumAvailability(4, new RolloutBounds(1, 1), 2));
    }

    [Fact]
    public void Int_or_string_values_are_accepted()
    {
        Assert.Equal(2, RollingUpdateMath.Scaled((IntOrString)"2", 10, roundUp: true, "maxSurge"));
    }
}
