namespace AiOperator.LocalCluster.Tests.Kubectl;

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
