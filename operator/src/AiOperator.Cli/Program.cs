using AiOperator.Cli.Commands;
using Spectre.Console;

return await AiopCommand.Create(AnsiConsole.Console, Console.Error).Parse(args).InvokeAsync();
