namespace AiOperator.Cli.Tests.Walkthrough;

/// <summary>What one shell command did.</summary>
internal sealed record ShellResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Describe() => $"`{Command}` exited {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
