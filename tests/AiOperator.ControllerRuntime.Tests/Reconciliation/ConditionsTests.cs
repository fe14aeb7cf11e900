using AiOperator.ControllerRuntime.Reconciliation;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Reconciliation;

public sealed class ConditionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void LastTransitionTime_moves_only_when_status_flips()
    {
        var first = Conditions.Set(null, "Ready", false, "Starting", "pods starting", 1, T0);
        var sameStatus = Conditions.Set(first, "Ready", false, "StillStarting", "1/2 ready", 2, T0.AddMinutes(5));
        var flipped = Conditions.Set(sameStatus, "Ready", true, "AllReplicasReady", "2/2 ready", 2, T0.AddMinutes(9));

        Assert.Equal(T0.UtcDateTime, Assert.Single(first).LastTransitionTime);
        var kept = Assert.Single(sameStatus);
        Assert.Equal(T0.UtcDateTime, kept.LastTransitionTime);
        Assert.Equal("StillStarting", kept.Reason);
        Assert.Equal(2, kept.ObservedGeneration);
        Assert.Equal(T0.AddMinutes(9).UtcDateTime, Assert.Single(flipped).LastTransitionTime);
        Assert.Equal("True", flipped[0].Status);
    }

    [Fact]
    public void Other_types_are_kept_in_order_and_input_is_not_mutated()
    {
        var existing = new List<V1Condition>
        {
            new() { Type = "SpecValid", Status = "True", Reason = "Valid", LastTransitionTime = T0.UtcDateTime },
            new() { Type = "Ready", Status = "False", Reason = "Starting", LastTransitionTime = T0.UtcDateTime },
        };

        var result = Conditions.Set(existing, "Ready", true, "AllReplicasReady", "", 3, T0.AddHours(1));

        Assert.Equal(["SpecValid", "Ready"], result.Select(c => c.Type));
        Assert.Equal("False", existing[1].Status);
        Assert.True(Conditions.IsTrue(result, "Ready"));
        Assert.False(Conditions.IsTrue(existing, "Ready"));
    }

    [Fact]
    public void Sub_second_clock_values_are_truncated_so_rewrites_compare_equal()
    {
        var result = Conditions.Set(null, "Ready", true, "R", "", 1, T0.AddMilliseconds(750));

        Assert.Equal(T0.UtcDateTime, result[0].LastTransitionTime);
    }

    [Fact]
    public void Rejects_a_status_other_than_True_False_Unknown()
    {
        var bad = new V1Condition { Type = "Ready", Status = "yes" };

        var error = Assert.Throws<ArgumentException>(() => Conditions.Set(null, bad, T0));
        Assert.Contains("Ready", error.Message, StringComparison.Ordinal);
    }
}
