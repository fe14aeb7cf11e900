using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Status;

namespace AiOperator.Operator.Tests.Status;

public sealed class KstatusConditionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(ModelDeploymentPhase.Pending, "True", "False")]
    [InlineData(ModelDeploymentPhase.Progressing, "True", "False")]
    [InlineData(ModelDeploymentPhase.Ready, "False", "False")]
    [InlineData(ModelDeploymentPhase.Degraded, "False", "True")]
    [InlineData(ModelDeploymentPhase.RolledBack, "False", "True")]
    [InlineData(ModelDeploymentPhase.Failed, "False", "True")]
    public void ModelDeployment_phases_map_to_reconciling_and_stalled(ModelDeploymentPhase phase, string reconciling, string stalled)
    {
        var status = KstatusConditions.Apply(new ModelDeploymentStatus { Phase = phase }, 3, Now);

        Assert.Equal(reconciling, Conditions.Find(status.Conditions, "Reconciling")!.Status);
        Assert.Equal(stalled, Conditions.Find(status.Conditions, "Stalled")!.Status);
        Assert.All(status.Conditions!, c => Assert.Equal(3, c.ObservedGeneration));
    }

    [Theory]
    [InlineData(TrainingJobPhase.Pending, "True", "False")]
    [InlineData(TrainingJobPhase.Scheduling, "True", "False")]
    [InlineData(TrainingJobPhase.Running, "True", "False")]
    [InlineData(TrainingJobPhase.Restarting, "True", "False")]
    [InlineData(TrainingJobPhase.Succeeded, "False", "False")]
    [InlineData(TrainingJobPhase.Suspended, "False", "False")]
    [InlineData(TrainingJobPhase.Failed, "False", "True")]
    public void TrainingJob_phases_map_to_reconciling_and_stalled(TrainingJobPhase phase, string reconciling, string stalled)
    {
        var status = KstatusConditions.Apply(new TrainingJobStatus { Phase = phase }, 2, Now);

        Assert.Equal(reconciling, Conditions.Find(status.Conditions, "Reconciling")!.Status);
        Assert.Equal(stalled, Conditions.Find(status.Conditions, "Stalled")!.Status);
    }

    [Fact]
    public void Stalled_carries_the_reason_the_kind_gave()
    {
        var status = new ModelDeploymentStatus
        {
            Phase = ModelDeploymentPhase.RolledBack,
            Conditions = Conditions.Set(null, "RolledBack", true, "AnalysisFailed", "error rate 0.31 > 0.01 at step 1 (2 of 2 failed)", 3, Now),
        };

        var stalled = Conditions.Find(KstatusConditions.Apply(status, 3, Now).Conditions, "Stalled")!;

        Assert.Equal(("RolledBack", "error rate 0.31 > 0.01 at step 1 (2 of 2 failed)"), (stalled.Reason, stalled.Message));
    }

    [Fact]
    public void Applying_twice_changes_nothing()
    {
        var once = KstatusConditions.Apply(new ModelDeploymentStatus { Phase = ModelDeploymentPhase.Progressing }, 1, Now);
        var twice = KstatusConditions.Apply(new ModelDeploymentStatus { Phase = ModelDeploymentPhase.Progressing, Conditions = once.Conditions }, 1, Now.AddMinutes(5));

        Assert.Equal(once.Conditions!.Select(c => (c.Type, c.Status, c.Reason, c.Message, c.LastTransitionTime)),
            twice.Conditions!.Select(c => (c.Type, c.Status, c.Reason, c.Message, c.LastTransitionTime)));
    }
}
