using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Tests.Simulation;

// A started LocalCluster for one integration test, plus waiting helpers with deadlines.
internal sealed class TestCluster : IAsyncDisposable
{
    public const string TestProcessImage = "example.com/test-process";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(45);

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

    // Polls until the probe yields a value; fails with what was awaited and the last value seen.
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (true)
        {
            var value = await probe();
            if (value is not null)
            {
                return value;
            }

            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"gave up after {limit.TotalSeconds}s waiting for: {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        await UntilAsync(async () => await condition() ? string.Empty : null, what, timeout);

    public (int ExitCode, string Output) Kubectl(params string[] args)
    {
        var info = new ProcessStartInfo("/usr/bin/kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(Cluster.KubeconfigPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
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
