using System.Diagnostics;

namespace AiOperator.Benchmarks.Operator;

// The scale scenario's process plays `aiop local` (the API server and the simulated control plane run
// in it), so it runs with that program's runtime settings (AiOperator.Cli.csproj). The runtime reads
// them when it starts, and this project's other benchmarks host the model server, which ships without
// them, so the scenario starts itself again with them set in its environment.
internal static class AiopLocalRuntimeSettings
{
    private static readonly (string Name, string Value)[] Settings =
    [
        ("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0"),
        ("DOTNET_gcConcurrent", "0"),
    ];

    // The operator is a process of its own here, with the settings its image ships, not these.
    public static IEnumerable<string> Names => Settings.Select(s => s.Name);

    // Null when this process already has the settings in its environment (set by hand, as when comparing
    // values); otherwise the exit code of the copy started with them.
    public static async Task<int?> RelaunchWithThemAsync(string[] args)
    {
        if (Settings.All(s => Environment.GetEnvironmentVariable(s.Name) is not null))
        {
            return null;
        }

        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(AiopLocalRuntimeSettings).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in Settings)
        {
            start.Environment[name] = value;
        }

        using var copy = Process.Start(start)!;
        await copy.WaitForExitAsync();
        return copy.ExitCode;
    }
}
