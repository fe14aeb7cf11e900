using Spectre.Console;
using Spectre.Console.Rendering;

namespace AiOperator.Cli.Admin;

/// <summary>
/// Re-renders a view on every change until cancelled: in place on a terminal; as successive frames
/// (only when the text changed) when the output is a pipe or a file, so logs stay readable.
/// </summary>
internal static class WatchView
{
    public static async Task RunAsync(IAnsiConsole console, Func<Task<IRenderable>> view, ResourceWatch changes, CancellationToken cancellationToken)
    {
        changes.Start(cancellationToken);
        try
        {
            if (console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
            {
                await console.Live(await view()).StartAsync(async live =>
                {
                    while (true)
                    {
                        await changes.WaitForChangeAsync(cancellationToken);
                        live.UpdateTarget(await SafeAsync(view));
                    }
                });
                return;
            }

            string? previous = null;
            while (true)
            {
                var frame = Text(console, await SafeAsync(view));
                if (frame != previous)
                {
                    console.Profile.Out.Writer.Write(frame);
                    console.Profile.Out.Writer.WriteLine();
                    console.Profile.Out.Writer.Flush();
                    previous = frame;
                }

                await changes.WaitForChangeAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends a watch; that is success.
        }
    }

    // A transient read error shows in the view instead of ending the watch.
    private static async Task<IRenderable> SafeAsync(Func<Task<IRenderable>> view)
    {
        try
        {
            return await view();
        }
        catch (AdminException ex)
        {
            return new Markup($"[yellow]{Markup.Escape(ex.Message)}[/]\n");
        }
        catch (HttpRequestException ex)
        {
            return new Markup($"[yellow]cannot reach the API server: {Markup.Escape(ex.Message)}[/]\n");
        }
    }

    private static string Text(IAnsiConsole console, IRenderable renderable)
    {
        using var writer = new StringWriter();
        var plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        plain.Profile.Width = console.Profile.Width;
        plain.Write(renderable);
        return writer.ToString();
    }
}
