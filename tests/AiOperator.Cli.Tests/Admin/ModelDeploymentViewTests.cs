using AiOperator.Api.V1Alpha1;
using AiOperator.Cli.Admin;

namespace AiOperator.Cli.Tests.Admin;

public sealed class ModelDeploymentViewTests
{
    [Fact]
    public void Shows_revisions_with_their_role_outcome_and_pods()
    {
        var text = PlainText.Of(ModelDeploymentView.Render(Fixtures.Canary(),
        [
            Fixtures.Pod("resnet-4-a1b2c3-x", "4-a1b2c3", ready: false),
            Fixtures.Pod("resnet-3-7f9c2d-a", "3-7f9c2d", ready: true),
        ]));

        Assert.Contains("ModelDeployment vision/resnet  phase Progressing  ready 4/4", text, StringComparison.Ordinal);
        Assert.Contains("revision 4-a1b2c3  canary weight 20% step 1  Progressing  model version 4", text, StringComparison.Ordinal);
        Assert.Contains("revision 3-7f9c2d  stable  Stable", text, StringComparison.Ordinal);
        Assert.Contains("pod resnet-4-a1b2c3-x  not ready  Running", text, StringComparison.Ordinal);
        Assert.Contains("pod resnet-3-7f9c2d-a  ready  Running", text, StringComparison.Ordinal);
        Assert.Contains("analysis: 1 failed evaluation(s) of 2 allowed", text, StringComparison.Ordinal);
        var lines = text.Split('\n');
        Assert.True(Array.FindIndex(lines, l => l.Contains("pod resnet-4-a1b2c3-x", StringComparison.Ordinal))
            < Array.FindIndex(lines, l => l.Contains("revision 3-7f9c2d", StringComparison.Ordinal)), "pods sit under their own revision");
    }

    [Fact]
    public void Shows_the_last_rollback_and_a_stale_status()
    {
        var md = Fixtures.Stable();
        md.Metadata.Generation = 3;
        md.Status!.Phase = ModelDeploymentPhase.RolledBack;
        md.Status.LastRollback = new RollbackRecord { From = "4-a1b2c3", To = "3-7f9c2d", Reason = "error rate 0.31 > 0.01 at step 1 (2 of 2 failed)", At = new DateTime(2026, 11, 29, 10, 0, 0, DateTimeKind.Utc) };

        var text = PlainText.Of(ModelDeploymentView.Render(md, []));

        Assert.Contains("last rollback 4-a1b2c3 → 3-7f9c2d at 2026-11-29 10:00:00Z: error rate 0.31 > 0.01 at step 1 (2 of 2 failed)", text, StringComparison.Ordinal);
        Assert.Contains("(status is for generation 2, spec is 3)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Markup_in_names_and_messages_is_shown_literally()
    {
        var md = Fixtures.Stable();
        md.Status!.LastRollback = new RollbackRecord { From = "a", To = "b", Reason = "bad [red]input[/]" };

        Assert.Contains("bad [red]input[/]", PlainText.Of(ModelDeploymentView.Render(md, [])), StringComparison.Ordinal);
    }
}
