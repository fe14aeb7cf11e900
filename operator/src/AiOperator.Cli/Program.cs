using AiOperator.Cli.Commands;
using Spectre.Console;

var console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    // Piped or captured output has no terminal width; Spectre.Console would assume 80 columns and wrap long
    // cells (a URI, an Event message) mid-word. Like kubectl, write whole lines and leave the width to the reader.
    console.Profile.Width = 1000;
}

return await AiopCommand.Create(console, Console.Error).Parse(args).InvokeAsync();
