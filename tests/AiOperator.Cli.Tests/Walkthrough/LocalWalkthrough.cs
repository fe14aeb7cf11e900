using System.Globalization;

namespace AiOperator.Cli.Tests.Walkthrough;

/// <summary>
/// `aiop local` started exactly as the README says (its command, run in a sandbox that looks like the
/// checkout), kept for the walkthrough tests, stopped with SIGTERM at the end; stopping must exit 0 and
/// leave no pod process behind.
/// </summary>
public sealed class LocalWalkthrough : IAsyncLifetime
{
    /// <summary>The README runs aiop through `dotnet run` of a Debug build; the tests run the build of their own configuration.</summary>
    public const string DotnetRunAiop = "dotnet run --project operator/src/AiOperator.Cli --no-build --";

    private BackgroundCommand? _local;

    internal Sandbox Sandbox { get; } = new();

    internal IReadOnlyList<string> Readme { get; } = ReadmeCommands.Parse(File.ReadAllText(Path.Combine(Checkout.Root, "README.md")));

    internal string LocalCommand => Readme.Single(c => c.StartsWith(DotnetRunAiop + " local ", StringComparison.Ordinal));

    public string ReadyOutput { get; private set; } = "";

    public string Kubeconfig => Path.Combine(Sandbox.Folder, "local.kubeconfig");

    public static string AsTested(string command) => command
        .Replace(DotnetRunAiop, "aiop", StringComparison.Ordinal)
        .Replace("/bin/Debug/", $"/bin/{Checkout.Configuration}/", StringComparison.Ordinal);

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Checkout.AiopDll), $"aiop is not built at {Checkout.AiopDll}");
        _local = Sandbox.Start("exec " + AsTested(LocalCommand));
        ReadyOutput = await _local.WaitForAsync(o => o.Contains("ready: api=", StringComparison.Ordinal), "its ready line", TimeSpan.FromMinutes(3));
    }

    internal Task<ShellResult> KubectlAsync(string args, TimeSpan timeout) =>
        Sandbox.RunAsync($"kubectl --kubeconfig '{Kubeconfig}' {args}", timeout);

    public async Task DisposeAsync()
    {
        if (_local is null)
        {
            Sandbox.Dispose();
            return;
        }

        var state = Path.Combine(Sandbox.Folder, ".state");
        var code = await _local.StopAsync(TimeSpan.FromSeconds(90));
        var output = _local.Output;
        await _local.DisposeAsync();
        var left = PodProcessesOf(state);
        Sandbox.Dispose();
        if (code != 0 || left.Count > 0 || !output.Contains("stopped", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"aiop local did not stop cleanly on SIGTERM: exit {code?.ToString(CultureInfo.InvariantCulture) ?? "none (killed)"}, pod processes left: [{string.Join(", ", left)}]\n{output[Math.Max(0, output.Length - 4000)..]}");
        }
    }

    // Pod processes carry their pod folder (under the state folder) in AIOP_POD_DIR.
    private static List<int> PodProcessesOf(string state)
    {
        var left = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "environ")).Contains("AIOP_POD_DIR=" + state, StringComparison.Ordinal))
                {
                    left.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile, or not ours to read
            }
        }

        return left;
    }
}
