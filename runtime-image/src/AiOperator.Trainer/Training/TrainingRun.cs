using System.Globalization;
using AiOperator.Trainer.Checkpoints;
using AiOperator.Trainer.Data;
using AiOperator.Trainer.Distributed;
using AiOperator.Trainer.Network;

namespace AiOperator.Trainer.Training;

/// <summary>
/// The data-parallel loop every rank runs: agree on the start state (rank 0's checkpoint or fresh
/// weights), then per step compute the gradient sums of this rank's shard, sum them across the gang,
/// divide by the mini-batch size and take one Adam step - the same step on every rank, so weights never
/// drift apart. Rank 0 checkpoints every <c>CheckpointInterval</c> steps and after the last.
/// </summary>
internal sealed class TrainingRun(
    int epochs,
    Hyperparameters hyperparameters,
    ICollective collective,
    CheckpointStore? checkpoints,
    int checkpointInterval,
    TextWriter log,
    TimeProvider time,
    TimeSpan stepDelay = default)
{
    /// <summary>Called on rank 0 after each checkpoint write with its step (tests interrupt runs here).</summary>
    public Action<long>? CheckpointWritten { get; init; }

    public async Task<TrainingResult> RunAsync(CancellationToken ct)
    {
        var data = TwoBlobs.Generate(hyperparameters.Seed);
        var schedule = new BatchSchedule(data.Train, hyperparameters.Seed);
        var rank = collective.Rank;
        TrainingState? initial = null;
        if (rank == 0)
        {
            initial = checkpoints?.TryLoad() ?? TrainingState.Fresh(Mlp.Initialize(hyperparameters.Seed));
        }

        var state = await collective.StartAsync(initial, ct);
        var resumedFrom = state.Step;
        var totalSteps = (long)epochs * schedule.BatchesPerEpoch;
        if (resumedFrom > 0)
        {
            log.WriteLine(Line($"rank {rank}: resumed from checkpoint step {resumedFrom} (epoch {resumedFrom / schedule.BatchesPerEpoch} of {epochs}, {Math.Max(0, totalSteps - resumedFrom)} steps to go)"));
        }
        else
        {
            log.WriteLine(Line($"rank {rank}: starting at step 0 of {totalSteps} ({epochs} epochs x {schedule.BatchesPerEpoch} mini-batches of {Hyperparameters.BatchSize}, {collective.Ranks} rank(s))"));
        }

        var reportEvery = Math.Max(1, epochs / 10);
        var contribution = new double[Mlp.ParameterCount + 2];
        var epochLoss = 0.0;
        var epochCount = 0.0;
        for (var step = state.Step; step < totalSteps; step++)
        {
            ct.ThrowIfCancellationRequested();
            Array.Clear(contribution);
            var shard = schedule.Shard(step, rank, collective.Ranks);
            // Layout: gradient sums, then the summed loss and the sample count, so one reduction carries all.
            contribution[Mlp.ParameterCount] = Mlp.AccumulateGradient(state.Parameters, shard, contribution);
            contribution[Mlp.ParameterCount + 1] = shard.Count;
            var total = await collective.SumAsync(step, contribution, ct);
            var count = total[Mlp.ParameterCount + 1];
            var mean = new double[Mlp.ParameterCount];
            for (var i = 0; i < mean.Length; i++)
            {
                mean[i] = total[i] / count;
            }

            state = AdamOptimizer.Step(state, mean, hyperparameters);
            epochLoss += total[Mlp.ParameterCount];
            epochCount += count;
            var epochDone = state.Step % schedule.BatchesPerEpoch == 0;
            if (rank == 0 && epochDone)
            {
                var epoch = state.Step / schedule.BatchesPerEpoch;
                if (epoch % reportEvery == 0 || state.Step == totalSteps)
                {
                    log.WriteLine(Line($"epoch {epoch}/{epochs} step {state.Step} train loss {epochLoss / epochCount:F4}"));
                }
            }

            if (epochDone)
            {
                epochLoss = 0;
                epochCount = 0;
            }

            if (rank == 0 && checkpoints is not null && (state.Step % checkpointInterval == 0 || state.Step == totalSteps))
            {
                checkpoints.Save(state);
                log.WriteLine(Line($"checkpoint step {state.Step} written"));
                CheckpointWritten?.Invoke(state.Step);
            }

            if (stepDelay > TimeSpan.Zero)
            {
                await Task.Delay(stepDelay, time, ct);
            }
        }

        var (loss, accuracy) = Mlp.Evaluate(state.Parameters, data.Validation);
        if (rank == 0)
        {
            log.WriteLine(Line($"done: {state.Step} steps, validation accuracy {accuracy:F4}, validation loss {loss:F4}"));
        }

        return new TrainingResult(state, accuracy, loss, epochs, resumedFrom);
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
