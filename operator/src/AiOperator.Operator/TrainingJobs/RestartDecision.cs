using AiOperator.Api.V1Alpha1;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>Whether a gang whose worker failed is restarted or the job fails (pure).</summary>
internal static class RestartDecision
{
    /// <summary>Null: restart the gang. Otherwise the reason the job fails now.</summary>
    public static string? FailureReason(TrainingRestartPolicy policy, WorkerFailure failure, int restarts, int backoffLimit)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (policy == TrainingRestartPolicy.Never)
        {
            return "RestartPolicyNever";
        }

        // ExitCode: codes 1-127 are the program's own verdict (bad config, a bug) and retrying cannot help;
        // 128+ (killed by a signal, OOM) and a pod that vanished are the infrastructure's and are retried.
        if (policy == TrainingRestartPolicy.ExitCode && failure.ExitCode is >= 1 and <= 127)
        {
            return "NonRetryableExitCode";
        }

        return restarts >= backoffLimit ? "BackoffLimitExceeded" : null;
    }
}
