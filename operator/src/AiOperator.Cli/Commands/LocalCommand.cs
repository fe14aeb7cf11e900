using System.CommandLine;
using System.Runtime.InteropServices;
using AiOperator.Cli.Samples;
using AiOperator.LocalCluster;
using AiOperator.LocalCluster.Simulation;

namespace AiOperator.Cli.Commands;

// `aiop local`: runs the local cluster (API server, simulated GPU nodes, kubelet with the project's
// images as real processes) until SIGINT/SIGTERM, then stops every pod process and exits.
internal static class LocalCommand
{
    public static Command Create()
    {
        var kubeconfig = new Option<string>("--kubeconfig") { Description = "Where to write the kubeconfig for kubectl and clients", Required = true };
        var apiPort = new Option<int>("--api-port") { Description = "API server port on 127.0.0.1 (0 = any free port)", DefaultValueFactory = _ => 0 };
        var nodes = new Option<int>("--nodes") { Description = "Number of simulated GPU nodes", DefaultValueFactory = _ => 2 };
        var gpus = new Option<int>("--gpus-per-node") { Description = "nvidia.com/gpu per node", DefaultValueFactory = _ => 4 };
        var gpuProduct = new Option<string>("--gpu-product") { Description = "nvidia.com/gpu.product label", DefaultValueFactory = _ => "NVIDIA-H100-80GB-HBM3" };
        var cpuNodes = new Option<int>("--cpu-nodes") { Description = "Number of simulated CPU-only nodes (no GPU, no taint) beside the GPU nodes", DefaultValueFactory = _ => 2 };
        var stateDir = new Option<string?>("--state-dir") { Description = "Folder for the cluster's objects (kept across restarts), pod folders, volumes and logs (default: a temp folder, removed on exit)" };
        var noOperator = new Option<bool>("--no-operator") { Description = "Run the cluster without the operator" };
        var modelServerPath = new Option<string?>("--model-server-path") { Description = $"Folder with aiop-model-server.dll (or ${ProjectImages.ModelServerPathVariable})" };
        var trainerPath = new Option<string?>("--trainer-path") { Description = $"Folder with aiop-trainer.dll (or ${ProjectImages.TrainerPathVariable})" };
        var samples = new Option<bool>("--samples") { Description = "Provide what config/samples needs: its models in the claim folders and a MIG node (A100, 7 x nvidia.com/mig-1g.10gb)" };

        var command = new Command("local", "Run a local Kubernetes-compatible cluster with simulated GPU nodes")
        {
            kubeconfig, apiPort, nodes, gpus, gpuProduct, cpuNodes, stateDir, noOperator, modelServerPath, trainerPath, samples,
        };
        command.SetAction(async (result, ct) =>
        {
            var error = Validate(result.GetValue(apiPort), result.GetValue(nodes), result.GetValue(gpus), result.GetValue(cpuNodes));
            if (error is not null)
            {
                await Console.Error.WriteLineAsync($"error: {error}");
                return 2;
            }

            var withSamples = result.GetValue(samples);
            if (withSamples && !File.Exists(SampleModels.ResNet18Source))
            {
                await Console.Error.WriteLineAsync($"error: --samples needs ResNet18.onnx next to aiop ({SampleModels.ResNet18Source}); build operator/src/AiOperator.Cli, which copies it from the Microsoft.ML.DnnImageFeaturizer.ResNet18 package");
                return 2;
            }

            var options = new LocalClusterOptions
            {
                ApiPort = result.GetValue(apiPort),
                NodePools = withSamples ? SampleNodes.Pools(result.GetValue(nodes), result.GetValue(gpus), result.GetValue(gpuProduct)!) : null,
                Nodes = result.GetValue(nodes),
                GpusPerNode = result.GetValue(gpus),
                GpuProduct = result.GetValue(gpuProduct)!,
                CpuNodes = result.GetValue(cpuNodes),
                StateDirectory = result.GetValue(stateDir),
                PersistObjects = result.GetValue(stateDir) is not null,
                ProcessImages = ProjectImages.Resolve(
                    result.GetValue(modelServerPath) ?? Environment.GetEnvironmentVariable(ProjectImages.ModelServerPathVariable) ?? LocalBuilds.Find("runtime-image/src/AiOperator.ModelServer", "aiop-model-server.dll"),
                    result.GetValue(trainerPath) ?? Environment.GetEnvironmentVariable(ProjectImages.TrainerPathVariable) ?? LocalBuilds.Find("runtime-image/src/AiOperator.Trainer", "aiop-trainer.dll")),
                ShutdownGracePeriod = TimeSpan.FromSeconds(1),

                // RBAC as a real cluster enforces it: the kubeconfig's admin may do anything, the operator only what config/rbac grants.
                Authorization = LocalCluster.ApiServer.Auth.AuthorizationMode.Rbac,
            };

            return await RunAsync(options, result.GetValue(kubeconfig)!, withOperator: !result.GetValue(noOperator), withSamples, ct);
        });
        return command;
    }

    // Node bounds fit the scale benchmark (hundreds of nodes) while keeping a typo from allocating millions.
    public const int MaxNodes = 5000;

    public static string? Validate(int apiPort, int nodes, int gpusPerNode, int cpuNodes) =>
        apiPort is < 0 or > 65535 ? $"--api-port must be 0..65535, got {apiPort}"
        : nodes is < 0 or > MaxNodes ? $"--nodes must be 0..{MaxNodes}, got {nodes}"
        : gpusPerNode is < 0 or > 64 ? $"--gpus-per-node must be 0..64, got {gpusPerNode}"
        : cpuNodes is < 0 or > MaxNodes ? $"--cpu-nodes must be 0..{MaxNodes}, got {cpuNodes}"
        : null;

    private static async Task<int> RunAsync(LocalClusterOptions options, string kubeconfigPath, bool withOperator, bool withSamples, CancellationToken ct)
    {
        // Our own signal handling: stop on SIGINT/SIGTERM without the process being torn down first.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        LocalCluster.LocalCluster cluster;
        try
        {
            cluster = await LocalCluster.LocalCluster.StartAsync(options, stop.Token);
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (IOException ex)
        {
            // The state folder is another cluster's, or a port or file is not available.
            await Console.Error.WriteLineAsync($"aiop local: {ex.Message}");
            return 1;
        }

        // Should the host exit before the graceful stop completes, no pod process may outlive it.
        void KillOnExit(object? sender, EventArgs e) => cluster.KillProcessesNow();
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        try
        {
            if (withSamples)
            {
                var pvcs = Path.Combine(cluster.StateDirectory, "pvcs");
                SampleModels.Seed(pvcs);
                Console.WriteLine($"samples: models for config/samples in {pvcs} ({string.Join(", ", SampleModels.All.Select(m => m.RelativePath))}); MIG node {SampleNodes.MigNodeName}");
            }

            cluster.ApiServer.WriteKubeconfig(kubeconfigPath);
            await using var op = withOperator ? await LocalOperator.StartAsync(cluster, stop.Token) : null;
            var operatorText = op is null ? "none" : op.ProbeAddress?.ToString().TrimEnd('/') ?? "in-process";
            Console.WriteLine($"ready: api={(cluster.ApiServer.SecureUrl ?? cluster.ApiServer.Url).ToString().TrimEnd('/')} kubeconfig={Path.GetFullPath(kubeconfigPath)} operator={operatorText} state={cluster.StateDirectory}");
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            Console.WriteLine("stopping: terminating pods and the API server");
        }
        finally
        {
            await cluster.DisposeAsync();
            AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        }

        Console.WriteLine("stopped");
        return 0;
    }
}
