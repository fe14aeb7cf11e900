using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Rollouts;
using k8s;

namespace AiOperator.Operator.Tests.Rollouts;

public sealed class RolloutEngineTests
{
    private const string V1 = "1-aaaaaa";
    private const string V2 = "2-bbbbbb";
    private const string V3 = "3-cccccc";

    [Fact]
    public void A_first_revision_comes_up_at_full_size_and_becomes_stable_once_ready()
    {
        var sim = new RolloutSimulation { Revision = V1 };
        var first = sim.Reconcile();
        Assert.Equal(RolloutStage.Deploying, first.Stage);
        Assert.Equal(4, sim.Replicas(V1));
        Assert.Null(sim.Status!.StableRevision);
        Assert.Equal(RevisionOutcome.Progressing, Assert.Single(sim.Status.Revisions!).Outcome);

        sim.Settle();
        var ready = sim.Reconcile();
        Assert.Equal(RolloutStage.Stable, ready.Stage);
        Assert.Equal(V1, sim.Status!.StableRevision);
        Assert.Equal(RevisionOutcome.Stable, Assert.Single(sim.Status.Revisions!).Outcome);
        Assert.Null(ready.RequeueAfter);
    }

    [Fact]
    public void A_steady_revision_decides_nothing_new()
    {
        var sim = RolloutSimulation.Stable(V1);
        var before = KubernetesJson.Serialize(sim.Status);
        var again = sim.Reconcile();
        Assert.Equal(KubernetesJson.Serialize(sim.Status), before);
        Assert.Empty(again.Events);
        Assert.Equal(new Dictionary<string, int> { [V1] = 4 }, again.Replicas);
        Assert.Null(again.RequeueAfter);
    }

    [Fact]
    public void A_new_revision_starts_a_canary_at_the_first_weight_and_the_stable_keeps_serving_until_canary_pods_are_ready()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        var start = sim.Reconcile();

        Assert.Equal(RolloutStage.Canary, start.Stage);
        Assert.Equal((V1, V2, 20, 0), (sim.Status!.StableRevision, sim.Status.CanaryRevision, sim.Status.CanaryWeight, sim.Status.CurrentStep));
        Assert.Equal(1, sim.Replicas(V2)); // round(4 x 20%) = 1
        Assert.Equal(4, sim.Replicas(V1)); // nothing taken away before the canary pod is ready
        Assert.Equal([V2, V1], sim.Status.Revisions!.Select(r => r.Name));
        Assert.Equal([RevisionOutcome.Progressing, RevisionOutcome.Stable], sim.Status.Revisions!.Select(r => r.Outcome!.Value));
        Assert.Equal("CanaryStarted", Assert.Single(start.Events).Reason);
        Assert.Equal(TimeSpan.FromSeconds(600), start.RequeueAfter);

        sim.Settle();
        sim.Reconcile();
        Assert.Equal((1, 3), (sim.Replicas(V2), sim.Replicas(V1)));
    }

    [Fact]
    public void Missing_metrics_are_inconclusive_and_the_step_waits_past_its_pause()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.ReconcileSettled();
        sim.Advance(120);
        sim.Window = null;
        var decision = sim.Reconcile();

        Assert.Equal(0, sim.Status!.CurrentStep);
        Assert.Equal(AnalysisResult.Inconclusive, sim.Status.LastAnalysis!.Result);
        Assert.Contains("no metrics", sim.Status.LastAnalysis.Message, StringComparison.Ordinal);
        Assert.Equal(0, sim.Status.AnalysisFailures);
        Assert.Equal(TimeSpan.FromSeconds(30), decision.RequeueAfter);
    }

    [Fact]
    public void Too_few_requests_and_nan_figures_are_inconclusive_never_judged()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.ReconcileSettled();
        sim.Advance(61);
        sim.Window = RolloutSimulation.Metrics(10, 0.5);
        sim.Reconcile();
        Assert.Equal(AnalysisResult.Inconclusive, sim.Status!.LastAnalysis!.Result);
        Assert.Equal("waiting for traffic: 10 of minRequests 50 requests in the window at step 1", sim.Status.LastAnalysis.Message);

        sim.Advance(30);
        sim.Window = RolloutSimulation.Metrics(double.NaN, double.NaN);
        sim.Reconcile();
        Assert.Equal(AnalysisResult.Inconclusive, sim.Status!.LastAnalysis!.Result);

        sim.Advance(30);
        sim.Window = RolloutSimulation.Metrics(300, double.NaN);
        sim.Reconcile();
        Assert.Equal(AnalysisResult.Inconclusive, sim.Status!.LastAnalysis!.Result);
        Assert.Equal((0, 0), (sim.Status.CurrentStep, sim.Status.AnalysisFailures));
        Assert.Equal(V2, sim.Status.CanaryRevision);
    }

    [Fact]
    public void An_idle_canary_waits_for_traffic_says_so_at_every_step_and_is_never_promoted()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.Window = RolloutSimulation.Metrics(0, double.NaN);
        sim.ReconcileSettled();
        for (var i = 0; i < 20; i++)
        {
            sim.Advance(30);
            sim.Reconcile();
            Assert.Equal("waiting for traffic: 0 of minRequests 50 requests in the window at step 1", sim.Status!.LastAnalysis!.Message);
        }

        Assert.Equal((V2, 0, 0), (sim.Status!.CanaryRevision, sim.Status.CurrentStep, sim.Status.AnalysisFailures));

        // Traffic arrives: step 1 passes and step 2 waits for its own share of traffic, saying so with its number.
        sim.Window = RolloutSimulation.Good;
        sim.Advance(30);
        sim.Reconcile();
        Assert.Equal(1, sim.Status!.CurrentStep);
        sim.Window = RolloutSimulation.Metrics(12, 0);
        sim.ReconcileSettled();
        Assert.Equal("waiting for traffic: 12 of minRequests 50 requests in the window at step 2", sim.Status!.LastAnalysis!.Message);
        Assert.Equal(V2, sim.Status.CanaryRevision);
    }

    [Fact]
    public void A_passing_analysis_waits_for_the_pause_then_moves_to_the_next_weight()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.Window = RolloutSimulation.Good;
        sim.ReconcileSettled();
        Assert.Equal(AnalysisResult.Passed, sim.Status!.LastAnalysis!.Result);
        Assert.NotNull(sim.Status.CanaryMetrics);
        Assert.Equal(0, sim.Status.CurrentStep);
        Assert.Equal(TimeSpan.FromSeconds(30), sim.Last!.RequeueAfter);

        sim.Advance(60);
        var next = sim.Reconcile();
        Assert.Equal((1, 50), (sim.Status!.CurrentStep, sim.Status.CanaryWeight));
        Assert.Equal("CanaryStep", Assert.Single(next.Events).Reason);
        Assert.Equal((2, 3), (sim.Replicas(V2), sim.Replicas(V1)));
        sim.Settle();
        sim.Reconcile();
        Assert.Equal((2, 2), (sim.Replicas(V2), sim.Replicas(V1)));
    }

    [Fact]
    public void After_the_last_step_the_canary_is_promoted_and_the_old_revision_hands_over_as_new_pods_become_ready()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.Window = RolloutSimulation.Good;
        sim.ReconcileSettled();
        sim.Advance(60);
        sim.ReconcileSettled();
        sim.Advance(60);
        var promoted = sim.Reconcile();

        Assert.Equal(RolloutStage.Stable, promoted.Stage);
        Assert.Equal(V2, sim.Status!.StableRevision);
        Assert.Null(sim.Status.CanaryRevision);
        Assert.Equal((0, 0), (sim.Status.CanaryWeight, sim.Status.CurrentStep));
        Assert.Null(sim.Status.CanaryMetrics);
        Assert.Equal([RevisionOutcome.Stable, RevisionOutcome.Superseded], sim.Status.Revisions!.Select(r => r.Outcome!.Value));
        Assert.Contains(promoted.Events, e => e.Reason == "Promoted" && e.Message.Contains("1-aaaaaa superseded", StringComparison.Ordinal));
        Assert.False(promoted.RolledBack);
        Assert.Equal((4, 2), (sim.Replicas(V2), sim.Replicas(V1)));

        sim.Settle();
        sim.Reconcile();
        Assert.Equal((4, 0), (sim.Replicas(V2), sim.Replicas(V1)));
        Assert.True(sim.Deployments.ContainsKey(V1), "a superseded revision keeps its Deployment at 0 while in history");
    }

    [Fact]
    public void Failed_evaluations_up_to_the_failure_limit_roll_back_with_the_measured_reason()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.Window = RolloutSimulation.Metrics(200, 0.31);
        sim.ReconcileSettled();
        Assert.Equal(1, sim.Status!.AnalysisFailures);
        Assert.Equal(V2, sim.Status.CanaryRevision);
        Assert.Contains(sim.Events, e => e.Reason == "AnalysisFailed" && e.Type == "Warning");

        sim.Advance(29);
        sim.Reconcile();
        Assert.Equal(1, sim.Status!.AnalysisFailures);

        sim.Advance(1);
        var rolledBack = sim.Reconcile();
        Assert.Equal(RolloutStage.RolledBack, rolledBack.Stage);
        Assert.True(rolledBack.RolledBack);
        Assert.Equal(V1, sim.Status!.StableRevision);
        Assert.Null(sim.Status.CanaryRevision);
        Assert.Equal((V2, V1, "error rate 0.31 > 0.01 at step 1 (2 of 2 failed)"),
            (sim.Status.LastRollback!.From, sim.Status.LastRollback.To, sim.Status.LastRollback.Reason));
        Assert.Equal(RevisionOutcome.Failed, sim.Status.Revisions!.Single(r => r.Name == V2).Outcome);
        Assert.Equal((0, 4), (sim.Replicas(V2), sim.Replicas(V1)));
        var warning = Assert.Single(rolledBack.Events, e => e.Reason == "RolledBack");
        Assert.Equal("Warning", warning.Type);

        // Git reverted to the serving revision: the spec's revision serves, so the rollback no longer holds.
        sim.Revision = V1;
        var reverted = sim.Reconcile();
        Assert.Equal((RolloutStage.Stable, false), (reverted.Stage, reverted.RolledBack));
        Assert.Equal(V2, sim.Status!.LastRollback!.From);
    }

    [Fact]
    public void A_failed_revision_is_never_retried_until_the_spec_names_another()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.ReconcileSettled();
        sim.Annotations[RolloutCommands.AbortAnnotation] = "true";
        sim.Reconcile();
        Assert.Equal(RolloutStage.RolledBack, sim.Last!.Stage);
        sim.Events.Clear();

        sim.Advance(3600);
        var later = sim.Reconcile();
        Assert.Equal(RolloutStage.RolledBack, later.Stage);
        Assert.Null(sim.Status!.CanaryRevision);
        Assert.Empty(later.Events);
        Assert.Equal(0, sim.Replicas(V2));

        sim.Revision = V3;
        sim.Reconcile();
        Assert.Equal(V3, sim.Status!.CanaryRevision);
        Assert.Equal(RevisionOutcome.Failed, sim.Status.Revisions!.Single(r => r.Name == V2).Outcome);

        // Named again after another revision: a retry, from the first step.
        sim.Revision = V2;
        sim.Reconcile();
        Assert.Equal((V2, 0, 0), (sim.Status!.CanaryRevision, sim.Status.CurrentStep, sim.Status.AnalysisFailures));
        Assert.Equal(RevisionOutcome.Progressing, sim.Status.Revisions![0].Outcome);
    }

    [Fact]
    public void A_canary_not_ready_by_the_progress_deadline_is_rolled_back()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Spec.Rollout!.ProgressDeadlineSeconds = 90;
        sim.Revision = V2;
        sim.ReconcileSettled(unready: V2);
        Assert.Equal(TimeSpan.FromSeconds(90), sim.Last!.RequeueAfter);
        Assert.Equal((1, 4), (sim.Replicas(V2), sim.Replicas(V1)));

        sim.Advance(89);
        Assert.Equal(RolloutStage.Canary, sim.Reconcile().Stage);
        sim.Advance(1);
        var rolledBack = sim.Reconcile();
        Assert.Equal(RolloutStage.RolledBack, rolledBack.Stage);
        Assert.Equal("canary not ready within 90s at step 1: 0/1 pods ready", sim.Status!.LastRollback!.Reason);
        Assert.Equal((0, 4), (sim.Replicas(V2), sim.Replicas(V1)));
    }

    [Fact]
    public void A_canary_that_was_ready_gets_the_whole_progress_deadline_again_when_a_pod_of_it_restarts_late_in_a_step()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Spec.Rollout!.ProgressDeadlineSeconds = 90;
        sim.Revision = V2;
        sim.Window = RolloutSimulation.Metrics(3, 0);   // too few requests: the step waits, analysed every 30 s
        sim.ReconcileSettled();
        for (var i = 0; i < 10; i++)
        {
            sim.Advance(30);
            sim.Reconcile();
        }

        Assert.Equal((RolloutStage.Canary, 0), (sim.Last!.Stage, sim.Status!.CurrentStep));

        // 300 s into the step (past the 90 s deadline) a canary pod restarts: not a failure to progress yet.
        sim.Settle(unready: V2);
        sim.Advance(60);
        Assert.Equal(RolloutStage.Canary, sim.Reconcile().Stage);
        sim.Advance(30);
        var rolledBack = sim.Reconcile();
        Assert.Equal(RolloutStage.RolledBack, rolledBack.Stage);
        Assert.Equal("canary not ready within 90s at step 1: 0/1 pods ready", sim.Status!.LastRollback!.Reason);
    }

    [Fact]
    public void A_spec_reverted_to_the_stable_revision_mid_step_rolls_back_at_once_without_a_new_canary()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.Window = RolloutSimulation.Good;
        sim.ReconcileSettled();
        sim.Advance(60);
        sim.ReconcileSettled();
        Assert.Equal(1, sim.Status!.CurrentStep);

        sim.Revision = V1;
        var reverted = sim.Reconcile();
        Assert.Equal(RolloutStage.Stable, reverted.Stage);
        Assert.True(reverted.RolledBack);
        Assert.Null(sim.Status!.CanaryRevision);
        Assert.Equal("spec reverted to the stable revision 1-aaaaaa", sim.Status.LastRollback!.Reason);
        Assert.Equal(RevisionOutcome.Failed, sim.Status.Revisions!.Single(r => r.Name == V2).Outcome);
        Assert.Equal((0, 4), (sim.Replicas(V2), sim.Replicas(V1)));

        sim.Settle();
        var after = sim.Reconcile();
        Assert.Null(sim.Status!.CanaryRevision);
        Assert.DoesNotContain(after.Events, e => e.Reason == "CanaryStarted");
    }

    [Fact]
    public void A_third_revision_mid_rollout_supersedes_the_canary_and_starts_over()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.Window = RolloutSimulation.Good;
        sim.ReconcileSettled();
        sim.Advance(60);
        sim.ReconcileSettled();

        sim.Revision = V3;
        var decision = sim.Reconcile();
        Assert.Equal((V1, V3, 0, 20), (sim.Status!.StableRevision, sim.Status.CanaryRevision, sim.Status.CurrentStep, sim.Status.CanaryWeight));
        Assert.Equal(RevisionOutcome.Superseded, sim.Status.Revisions!.Single(r => r.Name == V2).Outcome);
        Assert.Equal(0, sim.Replicas(V2));
        Assert.Contains(decision.Events, e => e.Reason == "CanarySuperseded");
    }

    [Fact]
    public void Rollback_to_an_unknown_revision_warns_removes_the_annotation_and_changes_nothing_else()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.ReconcileSettled();
        var before = KubernetesJson.Serialize(sim.Status);
        var replicas = sim.Last!.Replicas;
        sim.Annotations[RolloutCommands.RollbackToAnnotation] = "9-zzzzzz";

        var decision = sim.Reconcile();
        Assert.Equal(before, KubernetesJson.Serialize(sim.Status));
        Assert.Equal(replicas, decision.Replicas);
        Assert.Equal([RolloutCommands.RollbackToAnnotation], decision.RemoveAnnotations);
        var warning = Assert.Single(decision.Events);
        Assert.Equal(("Warning", "RollbackTargetUnknown"), (warning.Type, warning.Reason));
        Assert.Contains("9-zzzzzz", warning.Message, StringComparison.Ordinal);
        Assert.Empty(sim.Annotations);
    }

    [Fact]
    public void Rollback_to_a_revision_in_history_makes_it_stable_and_fails_the_one_rolled_away_from()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.Window = RolloutSimulation.Good;
        sim.ReconcileSettled();
        sim.Advance(60);
        sim.ReconcileSettled();
        sim.Advance(60);
        sim.ReconcileSettled();
        Assert.Equal(V2, sim.Status!.StableRevision);
        sim.Events.Clear();

        sim.Annotations[RolloutCommands.RollbackToAnnotation] = V1;
        var decision = sim.Reconcile();
        Assert.Equal(RolloutStage.RolledBack, decision.Stage);
        Assert.Equal(V1, sim.Status!.StableRevision);
        Assert.Equal((V2, V1), (sim.Status.LastRollback!.From, sim.Status.LastRollback.To));
        Assert.Contains("rollback-to", sim.Status.LastRollback.Reason, StringComparison.Ordinal);
        Assert.Equal([RevisionOutcome.Failed, RevisionOutcome.Stable], sim.Status.Revisions!.Select(r => r.Outcome!.Value));
        Assert.Equal([RolloutCommands.RollbackToAnnotation], decision.RemoveAnnotations);
        Assert.Contains(decision.Events, e => e.Reason == "RolledBack");

        // V1 comes back from 0: V2 keeps serving until V1's pods are ready, as a superseded revision would.
        Assert.Equal((4, 4), (sim.Replicas(V1), sim.Replicas(V2)));
        sim.Settle(V1);
        sim.Reconcile();
        Assert.Equal((4, 4), (sim.Replicas(V1), sim.Replicas(V2)));
        sim.Settle();
        Assert.Equal(RolloutStage.RolledBack, sim.Reconcile().Stage);
        Assert.Equal((4, 0), (sim.Replicas(V1), sim.Replicas(V2)));
    }

    [Fact]
    public void Promote_step_skips_the_wait_and_promote_full_skips_every_remaining_step()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.ReconcileSettled();
        sim.Annotations[RolloutCommands.PromoteAnnotation] = "step";
        sim.Reconcile();
        Assert.Equal((1, 50), (sim.Status!.CurrentStep, sim.Status.CanaryWeight));
        Assert.Empty(sim.Annotations);

        sim.Annotations[RolloutCommands.PromoteAnnotation] = "full";
        sim.Reconcile();
        Assert.Equal(V2, sim.Status!.StableRevision);
        Assert.Null(sim.Status.CanaryRevision);
    }

    [Fact]
    public void Abort_rolls_the_canary_back_and_without_a_canary_it_only_removes_the_annotation()
    {
        var idle = RolloutSimulation.Stable(V1);
        idle.Annotations[RolloutCommands.AbortAnnotation] = "true";
        var nothing = idle.Reconcile();
        Assert.Equal("NothingToAbort", Assert.Single(nothing.Events).Reason);
        Assert.Equal([RolloutCommands.AbortAnnotation], nothing.RemoveAnnotations);
        Assert.Null(idle.Status!.LastRollback);

        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.ReconcileSettled();
        sim.Annotations[RolloutCommands.AbortAnnotation] = "true";
        sim.Reconcile();
        Assert.Equal("aborted by annotation aioperator.dev/abort", sim.Status!.LastRollback!.Reason);
        Assert.Equal(RevisionOutcome.Failed, sim.Status.Revisions![0].Outcome);
    }

    [Fact]
    public void An_invalid_promote_value_warns_and_is_removed()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.ReconcileSettled();
        sim.Annotations[RolloutCommands.PromoteAnnotation] = "now";
        var decision = sim.Reconcile();
        Assert.Equal("InvalidAnnotation", Assert.Single(decision.Events).Reason);
        Assert.Equal(0, sim.Status!.CurrentStep);
        Assert.Empty(sim.Annotations);
    }

    [Fact]
    public void Paused_freezes_a_running_canary_and_does_not_start_a_new_one()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.Window = RolloutSimulation.Good;
        sim.ReconcileSettled();
        sim.Spec.Paused = true;
        sim.Advance(600);
        var frozen = sim.Reconcile();
        Assert.Equal(RolloutStage.Paused, frozen.Stage);
        Assert.Equal((0, 20), (sim.Status!.CurrentStep, sim.Status.CanaryWeight));
        Assert.Equal((1, 3), (sim.Replicas(V2), sim.Replicas(V1)));

        sim.Spec.Paused = false;
        sim.Reconcile();
        Assert.Equal(1, sim.Status!.CurrentStep);

        var waiting = RolloutSimulation.Stable(V1);
        waiting.Spec.Paused = true;
        waiting.Revision = V2;
        var held = waiting.Reconcile();
        Assert.Equal(RolloutStage.Paused, held.Stage);
        Assert.Null(waiting.Status!.CanaryRevision);
        Assert.Equal(4, waiting.Replicas(V1));
        waiting.Spec.Paused = false;
        waiting.Reconcile();
        Assert.Equal(V2, waiting.Status!.CanaryRevision);
    }

    [Fact]
    public void A_restart_at_every_step_resumes_where_the_status_says_with_no_duplicate_revision_or_event()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Revision = V2;
        sim.Window = RolloutSimulation.Good;
        var plans = new List<string>();
        for (var i = 0; i < 12 && sim.Status!.StableRevision != V2; i++)
        {
            sim.ReconcileSettled();

            // A new operator process sees only the stored status: deciding again at the same instant changes nothing.
            var stored = KubernetesJson.Serialize(sim.Status);
            var replicas = sim.Last!.Replicas;
            var again = sim.Reconcile();
            Assert.Equal(stored, KubernetesJson.Serialize(sim.Status));
            Assert.Equal(replicas, again.Replicas);
            Assert.Empty(again.Events);
            plans.Add($"{sim.Status!.CurrentStep}:{sim.Replicas(V2)}/{sim.Replicas(V1)}");
            sim.Advance(30);
        }

        Assert.Equal(V2, sim.Status!.StableRevision);
        Assert.Equal(2, sim.Status.Revisions!.Count);
        Assert.Single(sim.Events, e => e.Reason == "CanaryStarted");
        Assert.Single(sim.Events, e => e.Reason == "CanaryStep");
        Assert.Single(sim.Events, e => e.Reason == "Promoted");
    }

    [Fact]
    public void History_is_trimmed_to_the_limit_and_trimmed_revisions_lose_their_deployment()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Spec.RevisionHistoryLimit = 2;
        sim.Window = RolloutSimulation.Good;
        foreach (var revision in new[] { V2, V3 })
        {
            sim.Revision = revision;
            sim.ReconcileSettled();
            sim.Annotations[RolloutCommands.PromoteAnnotation] = "full";
            sim.ReconcileSettled();
        }

        Assert.Equal([V3, V2], sim.Status!.Revisions!.Select(r => r.Name));
        Assert.False(sim.Last!.Replicas.ContainsKey(V1));
        Assert.False(sim.Deployments.ContainsKey(V1));
        Assert.Equal(0, sim.Replicas(V2));
    }

    [Fact]
    public void History_never_drops_the_stable_or_canary_revision()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Spec.RevisionHistoryLimit = 1;
        sim.Revision = V2;
        sim.Reconcile();
        Assert.Equal([V2, V1], sim.Status!.Revisions!.Select(r => r.Name));
        Assert.Equal(4, sim.Replicas(V1));
    }

    [Fact]
    public void Recreate_scales_the_old_revision_away_before_starting_the_new_one()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Spec.Rollout!.Strategy = RolloutStrategy.Recreate;
        sim.Revision = V2;
        var start = sim.Reconcile();
        Assert.Equal(RolloutStage.Recreating, start.Stage);
        Assert.Equal((0, 0), (sim.Replicas(V1), sim.Replicas(V2)));
        Assert.Contains(start.Events, e => e.Reason == "RecreateStarted");

        // Old pods still terminate: the new revision waits for their GPUs.
        sim.Reconcile();
        Assert.Equal(0, sim.Replicas(V2));

        sim.Settle(unready: V2);
        sim.Reconcile();
        Assert.Equal((0, 4), (sim.Replicas(V1), sim.Replicas(V2)));
        Assert.Equal(100, sim.Status!.CanaryWeight);

        sim.Settle();
        var promoted = sim.Reconcile();
        Assert.Equal(RolloutStage.Stable, promoted.Stage);
        Assert.Equal(V2, sim.Status!.StableRevision);
    }

    [Fact]
    public void Recreate_rolls_back_when_the_new_revision_misses_the_deadline()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Spec.Rollout!.Strategy = RolloutStrategy.Recreate;
        sim.Spec.Rollout.ProgressDeadlineSeconds = 60;
        sim.Revision = V2;
        sim.ReconcileSettled(unready: V2);
        sim.Settle(unready: V2);
        sim.Reconcile();
        Assert.Equal(4, sim.Replicas(V2));

        sim.Advance(60);
        var rolledBack = sim.Reconcile();
        Assert.Equal(RolloutStage.RolledBack, rolledBack.Stage);
        Assert.Equal((4, 0), (sim.Replicas(V1), sim.Replicas(V2)));
    }

    [Fact]
    public void With_auto_rollback_off_a_failed_canary_is_held_for_a_person()
    {
        var sim = RolloutSimulation.Stable(V1);
        sim.Spec.Rollout!.AutoRollback = false;
        sim.Spec.Rollout.Analysis!.FailureLimit = 1;
        sim.Revision = V2;
        sim.Window = RolloutSimulation.Metrics(200, 0.5);
        var held = sim.ReconcileSettled();
        Assert.Equal(RolloutStage.Held, held.Stage);
        Assert.Equal(V2, sim.Status!.CanaryRevision);
        Assert.Null(sim.Status.LastRollback);
        Assert.Contains(held.Events, e => e.Reason == "CanaryHeld");
        Assert.Equal((1, 3), (sim.Replicas(V2), sim.Replicas(V1)));

        sim.Annotations[RolloutCommands.AbortAnnotation] = "true";
        Assert.Equal(RolloutStage.RolledBack, sim.Reconcile().Stage);
    }

    [Fact]
    public void A_total_of_zero_switches_revisions_without_steps()
    {
        var sim = RolloutSimulation.Stable(V1, replicas: 0);
        sim.Revision = V2;
        sim.Reconcile();
        Assert.Equal(V2, sim.Status!.StableRevision);
        Assert.Equal((0, 0), (sim.Replicas(V1), sim.Replicas(V2)));
    }
}
