using Spectre.Console;
using Spectre.Console.Rendering;

namespace AiOperator.Cli.Tests.Admin;

/// <summary>A console that records plain text (no colour, no ANSI), wide enough that lines do not wrap.</summary>
internal static class PlainText
{
    public static (IAnsiConsole Console, StringWriter Output) Console()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return (console, output);
    }

    public static string Of(IRenderable renderable)
    {
        var (console, output) = Console();
        console.Write(renderable);
        return output.ToString();
    }
}
