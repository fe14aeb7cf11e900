using AiOperator.Api.V1Alpha1;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>
/// One reconcile's decision. The reconciler writes Status first (guarded by the cached resourceVersion, so a
/// decision taken on a stale cache is refused), then deletes, then creates pods of gang Status.Attempt.
/// </summary>
internal sealed record GangPlan
{
    public required TrainingJobStatus Status { get; init; }

    public IReadOnlyList<int> CreateRanks { get; init; } = [];

    public IReadOnlyList<string> DeletePods { get; init; } = [];

    public bool EnsureService { get; init; }

    /// <summary>Create the output reader pod (after the deletes).</summary>
    public bool CreateOutputReader { get; init; }

    public bool DeleteJob { get; init; }

    public IReadOnlyList<PlannedEvent> Events { get; init; } = [];

    public TimeSpan? RequeueAfter { get; init; }
}
