using AiOperator.Operator.ModelDeployments;

namespace AiOperator.Operator.Tests.ModelDeployments;

public sealed class RevisionReplacementTests
{
    [Fact]
    public void Without_older_revisions_the_current_one_gets_all_replicas() =>
        Assert.Equal(3, RevisionReplacement.Plan(3, 0, []).Current);

    [Fact]
    public void Replacement_surges_one_pod_and_keeps_desired_ready_until_the_end()
    {
        // Simulate: each step, the current revision's pods all become ready.
        var desired = 3;
        var old = 3;
        var ready = 0;
        for (var step = 0; step < 10 && old > 0; step++)
        {
            var (current, older) = RevisionReplacement.Plan(desired, ready, [old]);
            Assert.True(current + older[0] <= desired + 1, $"step {step}: {current}+{older[0]} exceeds surge of one");
            Assert.True(ready + older[0] >= desired, $"step {step}: fewer than {desired} ready pods would serve");
            old = older[0];
            ready = current;
        }

        Assert.Equal(0, old);
        Assert.Equal(desired, ready);
    }

    [Fact]
    public void A_current_revision_that_never_becomes_ready_leaves_the_old_one_serving()
    {
        var (current, older) = RevisionReplacement.Plan(4, 0, [4]);
        Assert.Equal(1, current);
        Assert.Equal([4], older);
    }

    [Fact]
    public void Older_revisions_are_never_scaled_up_and_the_newest_keeps_its_pods_first()
    {
        var (_, older) = RevisionReplacement.Plan(4, 1, [1, 4]);
        Assert.Equal([1, 2], older);
    }
}
