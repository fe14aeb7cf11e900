using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Status;
using k8s.Models;

namespace AiOperator.Operator.Tests.Status;

public sealed class ChildWriteFailureTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_create_that_finds_a_same_named_object_is_a_name_conflict_naming_it_not_a_stale_cache()
    {
        var ex = new KubeApiException("POST", "/api/v1/namespaces/ns/services", 409, new V1Status
        {
            Code = 409, Reason = "AlreadyExists", Message = "services \"m\" already exists", Details = new V1StatusDetails { Name = "m", Kind = "services" },
        });
        var failure = ChildWriteFailure.Classify(ex, "ModelDeployment")!;
        Assert.Equal("NameConflict", failure.Reason);
        Assert.False(failure.Transient);
        Assert.Contains("services \"m\"", failure.Message, StringComparison.Ordinal);
        Assert.Contains("not managed by this ModelDeployment", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stale_resource_version_is_left_to_the_ordinary_requeue()
    {
        var ex = new KubeApiException("PATCH", "/x", 409, new V1Status { Code = 409, Reason = "Conflict" });
        Assert.Null(ChildWriteFailure.Classify(ex, "ModelDeployment"));
    }

    [Theory]
    [InlineData(422, "WriteRejected", false)]
    [InlineData(403, "WriteForbidden", false)]
    [InlineData(500, "WriteFailed", true)]
    [InlineData(429, "WriteFailed", true)]
    public void Other_failures_are_classified(int code, string reason, bool transient)
    {
        var failure = ChildWriteFailure.Classify(new KubeApiException("POST", "/x", code, new V1Status { Code = code, Message = "no" }), "TrainingJob")!;
        Assert.Equal((reason, transient), (failure.Reason, failure.Transient));
    }

    [Fact]
    public void Retries_back_off_with_how_long_the_failure_has_lasted_capped_at_five_minutes()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), ChildWriteFailure.RetryAfter(null, Now));
        Assert.Equal(TimeSpan.FromSeconds(10), ChildWriteFailure.RetryAfter(Since(TimeSpan.FromSeconds(2)), Now));
        Assert.Equal(TimeSpan.FromSeconds(90), ChildWriteFailure.RetryAfter(Since(TimeSpan.FromSeconds(90)), Now));
        Assert.Equal(TimeSpan.FromMinutes(5), ChildWriteFailure.RetryAfter(Since(TimeSpan.FromHours(3)), Now));
    }

    [Fact]
    public void The_condition_is_set_on_failure_and_removed_once_every_child_is_written()
    {
        var conditions = new ChildWriteFailure("NameConflict", "Service \"resnet\" already exists", false).SetOn(null, 3, Now);
        var condition = Conditions.Find(conditions, ChildWriteFailure.ConditionType)!;
        Assert.Equal(("False", "NameConflict", 3L), (condition.Status, condition.Reason, condition.ObservedGeneration));
        Assert.Null(Conditions.Find(ChildWriteFailure.Cleared(conditions), ChildWriteFailure.ConditionType));
    }

    [Fact]
    public void Children_held_by_someone_else_are_one_name_conflict_naming_each_and_none_is_no_failure()
    {
        Assert.Null(ChildWriteFailure.Conflicting([], "ModelDeployment"));
        var one = ChildWriteFailure.Conflicting(["Service m-canary"], "ModelDeployment")!;
        Assert.Equal(("NameConflict", "Service m-canary exists and is not owned by this ModelDeployment; left untouched: delete or rename it", false), (one.Reason, one.Message, one.Transient));
        var two = ChildWriteFailure.Conflicting(["Service m", "PodDisruptionBudget m"], "ModelDeployment")!;
        Assert.StartsWith("Service m, PodDisruptionBudget m exist and are not owned", two.Message, StringComparison.Ordinal);

        var conditions = one.SetOn(null, 4, Now);
        Assert.True(one.IsReportedIn(conditions));
        Assert.False(two.IsReportedIn(conditions));
        Assert.False(one.IsReportedIn(null));
    }

    private static List<V1Condition> Since(TimeSpan ago) =>
        [new V1Condition { Type = ChildWriteFailure.ConditionType, Status = "False", Reason = "NameConflict", Message = "x", LastTransitionTime = (Now - ago).UtcDateTime }];
}
