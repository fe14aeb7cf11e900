using System.Net;
using AiOperator.Trainer.Checkpoints;
using AiOperator.Trainer.Distributed;
using AiOperator.Trainer.Training;

namespace AiOperator.Trainer.Tests.Support;

/// <summary>Runs a whole gang inside the test process: rank 0 on a loopback port the OS picks, the others connecting to it.</summary>
internal static class Gang
{
    public static readonly Hyperparameters Defaults = new(Seed: 1, LearningRate: 0.001, WeightDecay: 0.01);

    public static GangSettings Settings(int ranks, Hyperparameters? h = null, double peerTimeoutSeconds = 10, double rendezvousTimeoutSeconds = 10) =>
        new(ranks, h ?? Defaults, TimeSpan.FromSeconds(rendezvousTimeoutSeconds), TimeSpan.FromSeconds(peerTimeoutSeconds));

    public static Task<TrainingResult> SoloAsync(int epochs, Hyperparameters? h = null, string? checkpointDir = null, TextWriter? log = null, Action<long>? checkpointWritten = null, int checkpointInterval = 40, CancellationToken ct = default)
    {
        var hp = h ?? Defaults;
        var run = new TrainingRun(epochs, hp, new SoloCollective(), checkpointDir is null ? null : new CheckpointStore(checkpointDir, hp), checkpointInterval, log ?? TextWriter.Null, TimeProvider.System)
        {
            CheckpointWritten = checkpointWritten,
        };
        return run.RunAsync(ct);
    }

    /// <summary>Results in rank order.</summary>
    public static async Task<TrainingResult[]> RunAsync(int ranks, int epochs, Hyperparameters? h = null, string? checkpointDir = null, LineLog[]? logs = null)
    {
        var hp = h ?? Defaults;
        var settings = Settings(ranks, hp);
        await using var leader = GangLeader.Listen(IPAddress.Loopback, 0, settings, logs?[0] ?? TextWriter.Null, TimeProvider.System);
        var collectives = new List<ICollective> { leader };
        for (var rank = 1; rank < ranks; rank++)
        {
            collectives.Add(new GangMember(rank, "127.0.0.1", leader.LocalEndPoint.Port, settings, logs?[rank] ?? TextWriter.Null, TimeProvider.System));
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var runs = collectives.Select((c, rank) => Task.Run(() => new TrainingRun(epochs, hp, c,
                rank == 0 && checkpointDir is not null ? new CheckpointStore(checkpointDir, hp) : null, 40, logs?[rank] ?? TextWriter.Null, TimeProvider.System).RunAsync(timeout.Token)));
            return await Task.WhenAll(runs);
        }
        finally
        {
            foreach (var member in collectives.Skip(1))
            {
                await member.DisposeAsync();
            }
        }
    }
}
