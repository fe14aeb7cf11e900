namespace AiOperator.Trainer.Hosting;

/// <summary>
/// Exit codes, chosen for the TrainingJob restartPolicy ExitCode (1-127 permanent, 128+ retryable):
/// a broken gang is worth restarting, a bad configuration is not.
/// </summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>A file could not be read or written, or an unexpected error.</summary>
    public const int IoFailure = 1;
    public const int BadConfiguration = 2;
    public const int GangBroken = 200;
}
