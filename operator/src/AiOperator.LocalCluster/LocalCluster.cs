using AiOperator.LocalCluster.ApiServer;
using AiOperator.LocalCluster.Simulation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiOperator.LocalCluster;

// A whole local cluster: the API server plus the simulated nodes, control plane and kubelet.
// Dispose stops every pod process (SIGTERM, then SIGKILL) before the API server goes away.
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly SimulatedControlPlane _controlPlane;
    private readonly bool _ownsStateDirectory;
    private readonly StateDirectoryLock? _stateLock;

    private LocalCluster(ApiServerHost apiServer, SimulatedControlPlane controlPlane, string kubeconfigPath, string stateDirectory, bool ownsStateDirectory, StateDirectoryLock? stateLock)
    {
        ApiServer = apiServer;
        _controlPlane = controlPlane;
        KubeconfigPath = kubeconfigPath;
        StateDirectory = stateDirectory;
        _ownsStateDirectory = ownsStateDirectory;
        _stateLock = stateLock;
    }

    public ApiServerHost ApiServer { get; }

    public string KubeconfigPath { get; }

    public string StateDirectory { get; }

    public static async Task<LocalCluster> StartAsync(LocalClusterOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var owns = string.IsNullOrEmpty(options.StateDirectory);
        var state = Path.GetFullPath(owns ? Path.Combine(Path.GetTempPath(), $"aiop-local-{Guid.NewGuid():N}") : options.StateDirectory!);
        Directory.CreateDirectory(state);
        var loggers = options.LoggerFactory ?? NullLoggerFactory.Instance;

        // A folder of our own is new and unique; a given one may be another running cluster's.
        var stateLock = owns ? null : StateDirectoryLock.Acquire(state);
        ApiServerHost apiServer;
        try
        {
            apiServer = await ApiServerHost.StartAsync(new ApiServerOptions
            {
                Port = options.ApiPort,
                TimeProvider = options.TimeProvider,
                Authorization = options.Authorization,
                StateDirectory = options.PersistObjects ? Path.Combine(state, "store") : null,
            }, ct);
        }
        catch
        {
            stateLock?.Dispose();
            throw;
        }

        SimulatedControlPlane? controlPlane = null;
        try
        {
            var kubeconfig = Path.Combine(state, "kubeconfig");
            apiServer.WriteKubeconfig(kubeconfig);
            controlPlane = new SimulatedControlPlane(apiServer.ClientConfiguration, options, state, loggers);
            apiServer.PodLogs = controlPlane.Logs;
            apiServer.PortForwarder = controlPlane;
            await controlPlane.StartAsync(ct);
            loggers.CreateLogger<LocalCluster>().LogInformation("local cluster serving at {Url}, state in {State}", apiServer.Url, state);
            return new LocalCluster(apiServer, controlPlane, kubeconfig, state, owns, stateLock);
        }
        catch
        {
            if (controlPlane is not null)
            {
                await controlPlane.DisposeAsync();
            }

            await apiServer.DisposeAsync();
            stateLock?.Dispose();
            throw;
        }
    }

    public k8s.Kubernetes CreateClient() => new(ApiServer.ClientConfiguration);

    // Last resort for a host that must exit now (e.g. from AppDomain.ProcessExit): SIGKILL every pod process.
    public void KillProcessesNow() => _controlPlane.Processes.KillAll();

    // Sends a signal (e.g. 9, SIGKILL) to the running process of every container of a process-mode pod, as a crash or the
    // kernel's OOM killer would on a node: the kubelet then reports the exit (128 + signal) like any other. Returns how many
    // processes were signalled (0 when the pod has none running, e.g. a simulated pod).
    public int SignalPodProcesses(string podNamespace, string podName, int signal) => _controlPlane.Processes.Signal(podNamespace, podName, signal);

    public async ValueTask DisposeAsync()
    {
        await _controlPlane.DisposeAsync();
        await ApiServer.DisposeAsync();
        _stateLock?.Dispose();
        if (_ownsStateDirectory)
        {
            try
            {
                Directory.Delete(StateDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A process that ignored SIGKILL's aftermath may still hold a file; temp is cleaned eventually.
            }
        }
    }
}
