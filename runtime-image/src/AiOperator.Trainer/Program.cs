using AiOperator.Trainer.Configuration;
using AiOperator.Trainer.Hosting;
using AiOperator.Trainer.Reporting;

if (args is [ReportCommand.Name, ..])
{
    if (TrainerOptionsParser.WantsHelp(args))
    {
        Console.WriteLine(ReportCommand.Help);
        return ExitCodes.Success;
    }

    var variables = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
    return ReportCommand.Run(args[1..], variables, Console.Out);
}

if (TrainerOptionsParser.WantsHelp(args))
{
    Console.WriteLine(HelpText.Text);
    return ExitCodes.Success;
}

var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
TrainerOptions options;
try
{
    options = TrainerOptionsParser.Parse(args, environment);
}
catch (OptionsException ex)
{
    // The options are unknown here, so the termination path comes from the variables alone.
    var path = environment.GetValueOrDefault("AIOP_TERMINATION_LOG") ?? environment.GetValueOrDefault("TERMINATION_MESSAGE_PATH");
    var fallback = new TrainerOptions { TerminationMessagePath = path ?? TrainerOptionsParser.DefaultTerminationMessagePath, TerminationMessagePathExplicit = path is not null };
    return TrainerApp.Fail(fallback, Console.Error, ExitCodes.BadConfiguration, ex.Message);
}

Console.Out.Flush();
return await TrainerApp.RunAsync(options, Console.Out, TimeProvider.System, CancellationToken.None);
