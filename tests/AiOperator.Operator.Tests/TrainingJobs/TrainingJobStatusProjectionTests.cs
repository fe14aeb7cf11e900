using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.TrainingJobs;
using static AiOperator.Operator.Tests.TrainingJobs.TrainingJobFixtures;

namespace AiOperator.Operator.Tests.TrainingJobs;

public sealed class TrainingJobStatusProjectionTests
{
    [Fact]
    public void Each_phase_sets_its_own_condition_true_and_the_others_false()
    {
        var status = new TrainingJobStatus();
        TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Running, "AllWorkersScheduled", "ok", 1, Now);
        Assert.True(Conditions.IsTrue(status.Conditions, "Running"));
        Assert.True(Conditions.IsTrue(status.Conditions, "Scheduled"));
        Assert.False(Conditions.IsTrue(status.Conditions, "Failed"));
        TrainingJobStatusProjection.SetPhase(status, TrainingJobPhase.Suspended, "Suspended", "s", 1, Now);
        Assert.Equal(["Suspended"], status.Conditions!.Where(c => c.Status == "True").Select(c => c.Type));
    }

    [Fact]
    public void Counts_are_of_one_gang_and_ignore_terminating_pods()
    {
        var status = new TrainingJobStatus();
        TrainingJobStatusProjection.SetCounts(status, [Worker(0, 1), Worker(1, 1, "Pending"), Worker(2, 1, "Succeeded"), Worker(3, 1, terminating: true), Worker(4, 1, "Failed", terminating: true)], 5);
        Assert.Equal((1, 1, 1, 0), (status.Workers!.Running!.Value, status.Workers.Pending!.Value, status.Workers.Succeeded!.Value, status.Workers.Failed!.Value));
        Assert.Equal("1/5", status.WorkersRunning);
    }

    [Fact]
    public void An_invalid_spec_is_failed_but_not_finished_so_a_fix_can_run_it()
    {
        var status = TrainingJobStatusProjection.Invalid(Job(), [new FieldError("spec.workers", "must be at least 1")], Now);
        Assert.Equal(TrainingJobPhase.Failed, status.Phase);
        Assert.Equal("spec.workers: must be at least 1", Conditions.Find(status.Conditions, "SpecValid")!.Message);
        Assert.False(TrainingJobStatusProjection.IsFinished(status));
        Assert.True(TrainingJobStatusProjection.IsFinished(new TrainingJobStatus { Phase = TrainingJobPhase.Succeeded }));
    }
}
