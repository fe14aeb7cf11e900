using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.TrainingJobs;

namespace AiOperator.Operator.Tests.TrainingJobs;

public sealed class RestartDecisionTests
{
    [Theory]
    [InlineData(TrainingRestartPolicy.OnFailure, 1, 0, 3, null)]
    [InlineData(TrainingRestartPolicy.OnFailure, 1, 3, 3, "BackoffLimitExceeded")]
    [InlineData(TrainingRestartPolicy.OnFailure, 1, 0, 0, "BackoffLimitExceeded")]
    [InlineData(TrainingRestartPolicy.Never, 137, 0, 3, "RestartPolicyNever")]
    [InlineData(TrainingRestartPolicy.ExitCode, 1, 0, 3, "NonRetryableExitCode")]
    [InlineData(TrainingRestartPolicy.ExitCode, 127, 0, 3, "NonRetryableExitCode")]
    [InlineData(TrainingRestartPolicy.ExitCode, 128, 0, 3, null)]
    [InlineData(TrainingRestartPolicy.ExitCode, 143, 3, 3, "BackoffLimitExceeded")]
    public void Decides_by_policy_exit_code_and_budget(TrainingRestartPolicy policy, int exitCode, int restarts, int limit, string? expected) =>
        Assert.Equal(expected, RestartDecision.FailureReason(policy, new WorkerFailure { Worker = 0, ExitCode = exitCode, Reason = "Error" }, restarts, limit));

    [Fact]
    public void Under_ExitCode_a_pod_that_vanished_without_an_exit_code_is_retried() =>
        Assert.Null(RestartDecision.FailureReason(TrainingRestartPolicy.ExitCode, new WorkerFailure { Worker = 1, Reason = "Deleted" }, 0, 3));
}
