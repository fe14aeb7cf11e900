using k8s.Autorest;
using Spectre.Console;

namespace AiOperator.Cli.Admin;

/// <summary>Runs an admin command: refusals and API errors become one "error: …" line and exit code 1.</summary>
internal static class AdminAction
{
    public static async Task<int> RunAsync(IAnsiConsole console, TextWriter error, Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (AdminException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (HttpOperationException ex)
        {
            await error.WriteLineAsync($"error: the API server answered {(int)ex.Response.StatusCode}: {ex.Response.Content}");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            await error.WriteLineAsync($"error: cannot reach the API server: {ex.Message}");
            return 1;
        }
        finally
        {
            console.Profile.Out.Writer.Flush();
        }
    }
}
