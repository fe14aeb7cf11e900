using AiOperator.Trainer.Configuration;
using AiOperator.Trainer.Export;
using AiOperator.Trainer.Hosting;

namespace AiOperator.Trainer.Reporting;

/// <summary>
/// <c>aiop-trainer report --output PATH</c>: what the TrainingJob's output reader pod runs. Writes
/// <see cref="OutputReport"/> to the termination message and exits 0, or writes the reason and exits 1
/// (the file is missing, unreadable or too large) or 2 (bad options).
/// </summary>
internal static class ReportCommand
{
    public const string Name = "report";

    public const string Help = """
        aiop-trainer report: reports a finished model for the TrainingJob controller (its output reader pod runs this).
        Writes {"sha256": <of the model file>, "metrics": <the numbers of metrics.json beside it, if there is one>,
        "uri": ..., "bytes": ...} to the termination message, at most 4096 bytes.

        Options:
          --output FILE                    the model file (OUTPUT_PATH)
          --termination-message-path FILE  where the report or the failure's reason goes (AIOP_TERMINATION_LOG, else
                                           TERMINATION_MESSAGE_PATH; default /dev/termination-log when it exists)
        Exit codes: 0 reported; 1 the model or metrics.json is missing, unreadable or too large; 2 bad options.
        """;

    public static int Run(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, TextWriter log)
    {
        var termination = environment.GetValueOrDefault("AIOP_TERMINATION_LOG") is { Length: > 0 } local ? local
            : environment.GetValueOrDefault("TERMINATION_MESSAGE_PATH") is { Length: > 0 } named ? named : null;
        var output = environment.GetValueOrDefault("OUTPUT_PATH") is { Length: > 0 } fromEnv ? fromEnv : null;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = args[i].IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? (args[i][..eq], args[i][(eq + 1)..]) : (args[i], null);
            if (name is not ("--output" or "--termination-message-path"))
            {
                return Fail(termination, log, ExitCodes.BadConfiguration, $"report: unknown argument '{(args[i].Length > 64 ? args[i][..64] : args[i])}' (see report --help)");
            }

            var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
            if (string.IsNullOrEmpty(value) || value.Length > 4096 || value.Contains('\0', StringComparison.Ordinal))
            {
                return Fail(termination, log, ExitCodes.BadConfiguration, $"report: {name} needs a file path");
            }

            if (name == "--output")
            {
                output = value;
            }
            else
            {
                termination = value;
            }
        }

        if (output is null)
        {
            return Fail(termination, log, ExitCodes.BadConfiguration, "report: --output (or OUTPUT_PATH) is required: the model file to report");
        }

        try
        {
            var report = OutputReport.Build(output);
            if (!TerminationMessage.TryWrite(termination ?? TrainerOptionsParser.DefaultTerminationMessagePath, termination is not null, report))
            {
                // Without a termination message the report reaches nobody: say so and fail.
                return Fail(null, log, ExitCodes.IoFailure, $"report: could not write the termination message to {termination ?? TrainerOptionsParser.DefaultTerminationMessagePath}");
            }

            log.WriteLine($"reported {output}");
            return ExitCodes.Success;
        }
        catch (ReportException ex)
        {
            return Fail(termination, log, ExitCodes.IoFailure, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(termination, log, ExitCodes.IoFailure, $"could not read {output}: {ex.Message}");
        }
    }

    private static int Fail(string? termination, TextWriter log, int code, string reason)
    {
        log.WriteLine($"aiop-trainer: {reason}");
        TerminationMessage.TryWrite(termination ?? TrainerOptionsParser.DefaultTerminationMessagePath, termination is not null, TerminationMessage.Reason(reason));
        return code;
    }
}
