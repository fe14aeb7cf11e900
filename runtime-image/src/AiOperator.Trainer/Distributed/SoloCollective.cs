using AiOperator.Trainer.Training;

namespace AiOperator.Trainer.Distributed;

/// <summary>A gang of one: no network, the sum is the contribution itself.</summary>
internal sealed class SoloCollective : ICollective
{
    public int Rank => 0;
    public int Ranks => 1;

    public Task<TrainingState> StartAsync(TrainingState? leaderState, CancellationToken ct) =>
        Task.FromResult(leaderState ?? throw new ArgumentNullException(nameof(leaderState)));

    public Task<double[]> SumAsync(long step, double[] contribution, CancellationToken ct) => Task.FromResult(contribution);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
