using AiOperator.LocalCluster.Simulation.Workloads;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Workloads;

public sealed class JobPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static V1Job Job(int? completions = 1, int? parallelism = 1, int backoffLimit = 6, long? deadline = null, bool suspend = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = "j", NamespaceProperty = "ns", Uid = "u" },
        Spec = new V1JobSpec { Completions = completions, Parallelism = parallelism, BackoffLimit = backoffLimit, ActiveDeadlineSeconds = deadline, Suspend = suspend },
    };

    private static V1Pod Pod(string name, string phase, bool ready = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, CreationTimestamp = Now.UtcDateTime },
        Status = new V1PodStatus { Phase = phase, Conditions = ready ? [new V1PodCondition { Type = "Ready", Status = "True" }] : null },
    };

    [Fact]
    public void A_new_job_starts_min_of_parallelism_and_remaining_completions()
    {
        var decision = JobPlan.Decide(Job(completions: 5, parallelism: 2), [], Now);
        Assert.Equal(2, decision.PodsToCreate);
        Assert.Equal(2, decision.Status.Active);
        Assert.Equal(Now.UtcDateTime, decision.Status.StartTime);

        var nearlyDone = JobPlan.Decide(Job(completions: 5, parallelism: 2), [Pod("a", "Succeeded"), Pod("b", "Succeeded"), Pod("c", "Succeeded"), Pod("d", "Succeeded")], Now);
        Assert.Equal(1, nearlyDone.PodsToCreate);
    }

    [Fact]
    public void Enough_successes_complete_the_job_with_both_conditions()
    {
        var decision = JobPlan.Decide(Job(completions: 2), [Pod("a", "Succeeded"), Pod("b", "Succeeded")], Now);
        Assert.True(decision.Completed);
        Assert.Equal(0, decision.PodsToCreate);
        Assert.Equal((2, 0, 0), (decision.Status.Succeeded, decision.Status.Failed, decision.Status.Active));
        Assert.Equal(["SuccessCriteriaMet", "Complete"], decision.Status.Conditions.Select(c => c.Type));
        Assert.Equal(Now.UtcDateTime, decision.Status.CompletionTime);
        Assert.True(JobPlan.IsFinished(new V1Job { Status = decision.Status }));
    }

    [Fact]
    public void Failures_are_retried_until_the_backoff_limit_then_the_job_fails_and_stops_its_pods()
    {
        var retry = JobPlan.Decide(Job(backoffLimit: 1), [Pod("a", "Failed")], Now);
        Assert.Equal(1, retry.PodsToCreate);
        Assert.Null(retry.FailedReason);

        var running = Pod("c", "Running");
        var failed = JobPlan.Decide(Job(backoffLimit: 1, parallelism: 2, completions: 3), [Pod("a", "Failed"), Pod("b", "Failed"), running], Now);
        Assert.Equal("BackoffLimitExceeded", failed.FailedReason);
        Assert.Equal(0, failed.PodsToCreate);
        Assert.Equal([running], failed.PodsToDelete);
        Assert.Contains(failed.Status.Conditions, c => c.Type == "Failed" && c.Status == "True" && c.Reason == "BackoffLimitExceeded");
    }

    [Fact]
    public void Without_completions_the_job_completes_when_one_pod_succeeded_and_none_are_running()
    {
        var running = JobPlan.Decide(Job(completions: null, parallelism: 2), [Pod("a", "Succeeded"), Pod("b", "Running", ready: true)], Now);
        Assert.False(running.Completed);
        Assert.Equal(0, running.PodsToCreate);
        Assert.Equal(1, running.Status.Ready);

        Assert.True(JobPlan.Decide(Job(completions: null, parallelism: 2), [Pod("a", "Succeeded"), Pod("b", "Succeeded")], Now).Completed);
    }

    [Fact]
    public void The_active_deadline_fails_the_job_and_suspend_stops_its_pods()
    {
        var job = Job(deadline: 60);
        job.Status = new V1JobStatus { StartTime = Now.UtcDateTime.AddSeconds(-61) };
        Assert.Equal("DeadlineExceeded", JobPlan.Decide(job, [Pod("a", "Running")], Now).FailedReason);

        var suspended = JobPlan.Decide(Job(suspend: true), [Pod("a", "Running")], Now);
        Assert.Single(suspended.PodsToDelete);
        Assert.Null(suspended.Status.StartTime);
        Assert.Contains(suspended.Status.Conditions, c => c.Type == "Suspended" && c.Status == "True");
    }
}
