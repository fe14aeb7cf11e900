using System.Diagnostics;

namespace AiOperator.Cli.Tests.Walkthrough;

/// <summary>
/// A temp folder that looks like the checkout (a symlink per top-level entry) so the README's commands run
/// as written, with `$PWD` and `~` inside it: the kubeconfig, the state folder and ~/.local/bin they write
/// stay here and go with it. `aiop` on PATH is the aiop build of the tests' configuration.
/// </summary>
internal sealed class Sandbox : IDisposable
{
    private readonly Dictionary<string, string> _env = new(StringComparer.Ordinal);

    public Sandbox()
    {
        Folder = Directory.CreateTempSubdirectory("aiop-readme-").FullName;
        foreach (var entry in Directory.EnumerateFileSystemEntries(Checkout.Root))
        {
            var name = Path.GetFileName(entry);
            if (name is ".git" or ".state" or ".demo" or "local.kubeconfig")
            {
                continue;
            }

            File.CreateSymbolicLink(Path.Combine(Folder, name), entry);
        }

        Home = Path.Combine(Folder, "home");
        var tools = Path.Combine(Folder, ".tools");
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(tools);
        var aiop = Path.Combine(tools, "aiop");
        File.WriteAllText(aiop, $"#!/bin/sh\nexec dotnet '{Checkout.AiopDll}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(aiop, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        _env["HOME"] = Home;
        // ~/.local/bin is on PATH as on most desktops: the README's plugin install puts kubectl-aiop there.
        _env["PATH"] = $"{Path.Combine(Home, ".local", "bin")}:{tools}:{Environment.GetEnvironmentVariable("PATH")}";
        _env["DOTNET_NOLOGO"] = "1";
        _env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
    }

    public string Folder { get; }

    public string Home { get; }

    public void SetVariable(string name, string value) => _env[name] = value;

    public string? Variable(string name) => _env.GetValueOrDefault(name);

    public async Task<ShellResult> RunAsync(string command, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(command))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new ShellResult(command, -1, await stdout, $"{await stderr}\n(killed: still running after {timeout.TotalSeconds:0} s)");
        }

        return new ShellResult(command, process.ExitCode, await stdout, await stderr);
    }

    public BackgroundCommand Start(string command) => new(command, Process.Start(StartInfo(command))!);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);  // the symlinks go, what they point at stays
        }
        catch (IOException)
        {
        }
    }

    private ProcessStartInfo StartInfo(string command)
    {
        var start = new ProcessStartInfo("/bin/bash")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        foreach (var (name, value) in _env)
        {
            start.Environment[name] = value;
        }

        return start;
    }
}
