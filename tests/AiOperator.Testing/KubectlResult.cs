namespace AiOperator.Testing;

/// <summary>What one kubectl run printed and how it exited.</summary>
public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;

    public KubectlResult EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl exited with {ExitCode}:\n{Stdout}\n{Stderr}");
        }

        return this;
    }
}
