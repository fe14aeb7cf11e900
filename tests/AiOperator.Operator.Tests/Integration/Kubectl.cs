using AiOperator.Testing;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>The machine's real kubectl against a local cluster (see <see cref="KubectlProcess"/>), output and errors together.</summary>
internal static class Kubectl
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string kubeconfig, params string[] args)
    {
        var result = await KubectlProcess.RunAsync(kubeconfig, args, timeout: TimeSpan.FromMinutes(2));
        return (result.ExitCode, result.All);
    }
}
