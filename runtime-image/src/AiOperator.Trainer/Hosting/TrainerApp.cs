using System.Net;
using AiOperator.Trainer.Checkpoints;
using AiOperator.Trainer.Configuration;
using AiOperator.Trainer.Data;
using AiOperator.Trainer.Distributed;
using AiOperator.Trainer.Export;
using AiOperator.Trainer.Training;

namespace AiOperator.Trainer.Hosting;

/// <summary>
/// One trainer process from parsed options to exit code: join the gang, train, and on rank 0 write
/// the model, metrics.json and the termination message. Every failure ends in one log line, a
/// termination message with the reason and an exit code from <see cref="ExitCodes"/>.
/// </summary>
internal static class TrainerApp
{
    public static async Task<int> RunAsync(TrainerOptions options, TextWriter log, TimeProvider time, CancellationToken ct)
    {
        var hyperparameters = new Hyperparameters(options.Seed, options.LearningRate, options.WeightDecay);
        try
        {
            var checkpoints = options.Rank == 0 && options.CheckpointDirectory is { } dir ? new CheckpointStore(dir, hyperparameters) : null;
            if (options.Rank == 0 && checkpoints is null)
            {
                log.WriteLine("no CHECKPOINT_DIR: training without checkpoints");
            }

            await using var collective = Join(options, hyperparameters, log, time);
            var run = new TrainingRun(options.Epochs, hyperparameters, collective, checkpoints, options.CheckpointInterval, log, time,
                TimeSpan.FromMilliseconds(options.StepDelayMilliseconds));
            var result = await run.RunAsync(ct);
            if (options.Rank != 0)
            {
                log.WriteLine($"rank {options.Rank}: done");
                return ExitCodes.Success;
            }

            var metrics = new ModelMetrics(result.ValidationAccuracy, result.ValidationLoss, result.Epochs, result.State.Step);
            var validation = TwoBlobs.Generate(options.Seed).Validation;
            var report = ModelOutput.Write(options.OutputPath!, OnnxExport.Build(result.State.Parameters, result.State.Step), metrics,
                new ValidationSet([.. validation.Select(v => new[] { v.X0, v.X1 })], [.. validation.Select(v => v.Label)]));
            log.WriteLine($"model written to {options.OutputPath} (sha256 {report.Sha256}, {report.Bytes} bytes) with {ModelOutput.ValidationFileName} and {ModelOutput.MetricsFileName}");
            if (!TerminationMessage.TryWrite(options.TerminationMessagePath!, options.TerminationMessagePathExplicit, TerminationMessage.Encode(report))
                && options.TerminationMessagePathExplicit)
            {
                log.WriteLine($"could not write the termination message to {options.TerminationMessagePath}");
            }

            return ExitCodes.Success;
        }
        catch (GangBrokenException ex)
        {
            return Fail(options, log, ExitCodes.GangBroken, $"gang broken, restart it: {ex.Message}");
        }
        catch (Exception ex) when (ex is GangRefusedException or CheckpointException)
        {
            return Fail(options, log, ExitCodes.BadConfiguration, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(options, log, ExitCodes.IoFailure, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug, not a condition: still one line and a termination message rather than an abort (134).
            return Fail(options, log, ExitCodes.IoFailure, $"unexpected {ex.GetType().Name}: {ex.Message}");
        }
    }

    public static int Fail(TrainerOptions? options, TextWriter log, int code, string reason)
    {
        log.WriteLine($"aiop-trainer: {reason}");
        if (options?.TerminationMessagePath is { } path)
        {
            TerminationMessage.TryWrite(path, options.TerminationMessagePathExplicit, TerminationMessage.Reason(reason));
        }

        return code;
    }

    private static ICollective Join(TrainerOptions options, Hyperparameters hyperparameters, TextWriter log, TimeProvider time)
    {
        if (options.Ranks == 1)
        {
            return new SoloCollective();
        }

        var settings = new GangSettings(options.Ranks, hyperparameters, options.RendezvousTimeout, options.PeerTimeout);
        if (options.Rank > 0)
        {
            return new GangMember(options.Rank, options.MasterAddress!, options.MasterPort, settings, log, time);
        }

        // Gangs sharing one host (the local cluster's process pods) must not collide on the port: bind
        // MASTER_ADDR when it is an address, else the pod's own address when known, else every interface
        // (a pod in its own network namespace, as torchrun does).
        var address = IPAddress.TryParse(options.MasterAddress, out var literal) ? literal
            : options.PodAddress is { } pod ? IPAddress.Parse(pod)
            : null;
        return GangLeader.Listen(address, options.MasterPort, settings, log, time);
    }
}
