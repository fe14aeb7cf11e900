using AiOperator.Trainer.Training;

namespace AiOperator.Trainer.Distributed;

/// <summary>How the ranks of one gang agree: on the state to start from, then on each step's gradient sum.</summary>
internal interface ICollective : IAsyncDisposable
{
    int Rank { get; }
    int Ranks { get; }

    /// <summary>Rank 0 passes the state it loaded or initialized; every rank gets that state back.</summary>
    Task<TrainingState> StartAsync(TrainingState? leaderState, CancellationToken ct);

    /// <summary>Element-wise sum of every rank's contribution, added in rank order, identical on every rank.</summary>
    Task<double[]> SumAsync(long step, double[] contribution, CancellationToken ct);
}
