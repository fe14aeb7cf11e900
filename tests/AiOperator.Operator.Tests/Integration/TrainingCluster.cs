using LocalClusterOptions = AiOperator.LocalCluster.LocalClusterOptions;
using NodePool = AiOperator.LocalCluster.NodePool;
using SimulatedContainer = AiOperator.LocalCluster.SimulatedContainer;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>
/// A local cluster for TrainingJob tests: 8 GPUs on two nodes (so a gang can be too big) plus a CPU node, and
/// simulated trainer images that finish, crash or report, as the test needs.
/// </summary>
public sealed class TrainingCluster : OperatorCluster
{
    public const string Forever = "example.test/trainer-forever:1";
    public const string Reports = "example.test/trainer-reports:1";
    public const string ReportsWeak = "example.test/trainer-weak:1";
    public const string Crashes = "example.test/trainer-crash:1";
    public const string OutOfMemory = "example.test/trainer-oom:1";
    public const string Sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    protected override LocalClusterOptions ClusterOptions() => new()
    {
        NodePools =
        [
            new NodePool { NamePrefix = "gpu", Count = 2, Gpus = 4, GpuProduct = "NVIDIA-H100-80GB-HBM3" },
            new NodePool { NamePrefix = "cpu", Count = 1, MaxPods = 250, Cpu = "256", Memory = "1Ti" },
        ],
        SimulatedImages = new Dictionary<string, SimulatedContainer>
        {
            ["example.test/trainer-reports"] = new() { ExitAfter = TimeSpan.FromMilliseconds(500), Message = Report(0.95) },
            ["example.test/trainer-weak"] = new() { ExitAfter = TimeSpan.FromMilliseconds(500), Message = Report(0.5) },
            ["example.test/trainer-crash"] = new() { ExitAfter = TimeSpan.FromMilliseconds(500), ExitCode = 1 },
            ["example.test/trainer-oom"] = new() { ExitAfter = TimeSpan.FromMilliseconds(500), ExitCode = 137, Reason = "OOMKilled" },
        },
    };

    private static string Report(double accuracy) =>
        "{\"sha256\":\"" + Sha + "\",\"metrics\":{\"accuracy\":" + accuracy.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"loss\":0.1}}";
}
