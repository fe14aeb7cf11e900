using AiOperator.Cli.Admin;

namespace AiOperator.Cli.Tests.Admin;

public sealed class RolloutIntentTests
{
    [Fact]
    public void Promote_writes_the_promote_annotation_with_step_or_full()
    {
        Assert.Equal("""{"metadata":{"annotations":{"aioperator.dev/promote":"step"}}}""", RolloutIntent.Promote(Fixtures.Canary(), full: false).ToJsonString());
        Assert.Equal("""{"metadata":{"annotations":{"aioperator.dev/promote":"full"}}}""", RolloutIntent.Promote(Fixtures.Canary(), full: true).ToJsonString());
    }

    [Fact]
    public void Promote_and_abort_refuse_without_a_canary()
    {
        var promote = Assert.Throws<AdminException>(() => RolloutIntent.Promote(Fixtures.Stable(), full: false));
        var abort = Assert.Throws<AdminException>(() => RolloutIntent.Abort(Fixtures.Stable()));

        Assert.Contains("no canary in progress", promote.Message, StringComparison.Ordinal);
        Assert.Contains("vision/resnet", abort.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Abort_writes_the_abort_annotation()
    {
        Assert.Equal("""{"metadata":{"annotations":{"aioperator.dev/abort":"true"}}}""", RolloutIntent.Abort(Fixtures.Canary()).ToJsonString());
    }

    [Fact]
    public void Rollback_to_a_revision_in_history_writes_the_annotation()
    {
        Assert.Equal("""{"metadata":{"annotations":{"aioperator.dev/rollback-to":"2-0c0ffe"}}}""", RolloutIntent.RollbackTo(Fixtures.Canary(), "2-0c0ffe").ToJsonString());
    }

    [Fact]
    public void Rollback_to_an_unknown_revision_names_it_and_the_known_ones()
    {
        var error = Assert.Throws<AdminException>(() => RolloutIntent.RollbackTo(Fixtures.Canary(), "9-deadbe"));

        Assert.Contains("revision 9-deadbe is not in status.revisions", error.Message, StringComparison.Ordinal);
        Assert.Contains("4-a1b2c3, 3-7f9c2d, 2-0c0ffe", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollback_to_the_serving_revision_without_a_canary_is_refused()
    {
        var error = Assert.Throws<AdminException>(() => RolloutIntent.RollbackTo(Fixtures.Stable(), "3-7f9c2d"));

        Assert.Contains("already serves", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, """{"spec":{"paused":true}}""")]
    [InlineData(false, """{"spec":{"paused":false}}""")]
    public void Pause_and_resume_write_spec_paused(bool paused, string expected)
    {
        Assert.Equal(expected, RolloutIntent.Pause(paused).ToJsonString());
    }
}
