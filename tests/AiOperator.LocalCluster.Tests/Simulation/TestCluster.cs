using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Tests.Simulation;

// A started LocalCluster for one integration test, plus waiting helpers with deadlines.
internal sealed class TestCluster : IAsyncDisposable
{
    public const string TestProcessImage = "example.com/test-process";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private TestCluster(LocalCluster cluster)
    {
        Cluster = cluster;
        Client = cluster.CreateClient();
    }

    public LocalCluster Cluster { get; }

    public Kubernetes Client { get; }

    public static string TestProcessDll => Path.Combine(AppContext.BaseDirectory, "AiOperator.TestProcess.dll");

    public static async Task<TestCluster> StartAsync(Func<LocalClusterOptions, LocalClusterOptions>? configure = null)
    {
        var options = new LocalClusterOptions
        {
            Nodes = 2,
            GpusPerNode = 4,

            // Tests that want CPU nodes ask for them, so node counts in scheduler messages stay exact.
            CpuNodes = 0,
            CrashLoopBackoffBase = TimeSpan.FromMilliseconds(200),
            CrashLoopBackoffMax = TimeSpan.FromSeconds(1),
            ProcessImages = new Dictionary<string, ProcessImage> { [TestProcessImage] = new("dotnet", [TestProcessDll]) },

            // AIOP_TEST_LOG=1 shows the control plane's decisions when a test needs debugging.
            LoggerFactory = Environment.GetEnvironmentVariable("AIOP_TEST_LOG") == "1"
                ? LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug))
                : null,
        };
        var cluster = await LocalCluster.StartAsync(configure?.Invoke(options) ?? options);
        return new TestCluster(cluster);
    }

    public async Task<string> NamespaceAsync(string name)
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public Task<V1Pod> PodAsync(string ns, string name, Func<V1Pod, bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(async () =>
        {
            var pods = await Client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: $"metadata.name={name}");
            return pods.Items.FirstOrDefault(condition);
        }, what, timeout);

    // Polls until the probe yields a value; fails with what was awaited.
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class =>
        (await Eventually.ValueAsync(probe, what, timeout ?? DefaultTimeout, Poll))!;

    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(condition, what, timeout ?? DefaultTimeout, Poll);

    public (int ExitCode, string Output) Kubectl(params string[] args)
    {
        var result = KubectlProcess.RunAsync(Cluster.KubeconfigPath, args).GetAwaiter().GetResult();
        return (result.ExitCode, result.All);
    }

    public static V1Deployment Deployment(string name, string image, int replicas, int gpus = 1, IDictionary<string, string>? annotations = null) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name }, Annotations = annotations },
                Spec = PodSpec(image, gpus),
            },
        },
    };

    public static V1PodSpec PodSpec(string image, int gpus) => new()
    {
        Containers =
        [
            new V1Container
            {
                Name = "main",
                Image = image,
                Resources = gpus == 0 ? null : new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new(gpus.ToString(System.Globalization.CultureInfo.InvariantCulture)) } },
            },
        ],
        NodeSelector = gpus == 0 ? null : new Dictionary<string, string> { ["nvidia.com/gpu.product"] = "NVIDIA-H100-80GB-HBM3" },
        Tolerations = [new V1Toleration { Key = "nvidia.com/gpu", OperatorProperty = "Exists", Effect = "NoSchedule" }],
    };

    // A zombie counts as gone: it has exited and only waits to be reaped.
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not 'Z' and not 'X';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Cluster.DisposeAsync();
    }
}
