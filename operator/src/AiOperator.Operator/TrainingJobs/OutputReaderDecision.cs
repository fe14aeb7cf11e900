using System.Globalization;
using AiOperator.Api.V1Alpha1;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>
/// The output reader (pure): for trainers that leave no report in rank 0's termination message, a short-lived
/// pod on the output claim computes the model's sha256 and reads metrics.json, and reports them the same way.
/// Its report is kept in status.outputModel while the phase stays Running; the pod is deleted, and only once it
/// is gone does the job succeed. Everything is decided from status and the pod, so a resync or a restarted
/// operator decides the same.
/// </summary>
internal static class OutputReaderDecision
{
    /// <summary>Counted from the moment the last worker finished: covers a reader that cannot be created, scheduled or finish.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private const int MaxShownMessage = 512;

    /// <param name="recorded">status.outputModel while the job is not finished: set only by an earlier Record step.</param>
    /// <param name="reader">The reader pod owned by this job, if any.</param>
    /// <param name="readingSince">When every worker had finished (the latest finish time), if known.</param>
    public static OutputReaderOutcome Decide(OutputModel? recorded, OutputReaderState? reader, DateTimeOffset? readingSince, DateTimeOffset now)
    {
        if (recorded?.Sha256 is { Length: > 0 })
        {
            return reader switch
            {
                null => new OutputReaderOutcome(OutputReaderStep.Succeed),
                { Terminating: true } => new OutputReaderOutcome(OutputReaderStep.WaitGone),
                _ => new OutputReaderOutcome(OutputReaderStep.Record, TrainerReport.Of(recorded)),
            };
        }

        if (reader is { Terminating: false, Phase: "Succeeded" })
        {
            var report = TrainerReport.Parse(reader.TerminationMessage, out var problem, $"output reader pod {reader.Name}");
            return report?.Sha256 is not null
                ? new OutputReaderOutcome(OutputReaderStep.Record, report)
                : new OutputReaderOutcome(OutputReaderStep.Fail, Failure: report is null ? problem : $"output reader pod {reader.Name} reported no sha256");
        }

        if (reader is { Terminating: false, Phase: "Failed" })
        {
            var exit = reader.ExitCode is { } code ? string.Create(CultureInfo.InvariantCulture, $" (exit code {code})") : "";
            return new OutputReaderOutcome(OutputReaderStep.Fail, Failure: $"output reader pod {reader.Name} failed{exit}: {Shown(reader.TerminationMessage) ?? "it left no message"}");
        }

        var since = readingSince ?? (reader?.CreatedAt is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : now);
        var left = since + Timeout - now;
        if (left <= TimeSpan.Zero)
        {
            var where = reader is null ? "no output reader pod could be created"
                : reader.UnschedulableMessage is { Length: > 0 } unschedulable ? $"output reader pod {reader.Name} was not scheduled: {Shown(unschedulable)}"
                : $"output reader pod {reader.Name} is still {reader.Phase}";
            return new OutputReaderOutcome(OutputReaderStep.Fail, Failure: string.Create(CultureInfo.InvariantCulture,
                $"the output was not read within {Timeout.TotalSeconds:0}s: {where}"));
        }

        // A reader deleted before it reported is created again once it is gone (its name is reused).
        return reader is null
            ? new OutputReaderOutcome(OutputReaderStep.Create, RequeueAfter: left)
            : new OutputReaderOutcome(OutputReaderStep.Wait, RequeueAfter: left);
    }

    // The reader's own message is one line of text (ours) or a log tail (another image): one line, bounded.
    private static string? Shown(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        var line = message.Trim().ReplaceLineEndings(" ");
        return line.Length > MaxShownMessage ? line[..MaxShownMessage] + "…" : line;
    }
}
