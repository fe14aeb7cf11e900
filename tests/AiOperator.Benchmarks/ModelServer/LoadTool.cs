using System.Diagnostics;

namespace AiOperator.Benchmarks.ModelServer;

/// <summary>An external load generator (wrk, h2load): found on PATH, run to completion, its report returned.</summary>
internal static class LoadTool
{
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <summary>Runs the tool for a load of <paramref name="seconds"/>; a non-zero exit or a minute past it is an error.</summary>
    public static async Task<string> RunAsync(string path, IEnumerable<string> arguments, int seconds)
    {
        var name = Path.GetFileName(path);
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{name} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 60));
        await process.WaitForExitAsync(deadline.Token);
        var output = await stdout;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{name} exited with {process.ExitCode}: {await stderr}{output}");
    }
}
