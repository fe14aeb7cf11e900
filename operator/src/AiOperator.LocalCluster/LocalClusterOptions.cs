using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster;

// How to start a local cluster: its nodes, which images run as real processes and how the
// others are simulated. Defaults give two nodes with four H100s each beside two CPU nodes.
public sealed record LocalClusterOptions
{
    // API server port on 127.0.0.1; 0 picks a free port.
    public int ApiPort { get; init; }

    public int Nodes { get; init; } = 2;

    public int GpusPerNode { get; init; } = 4;

    public string GpuProduct { get; init; } = "NVIDIA-H100-80GB-HBM3";

    // When set, replaces Nodes/GpusPerNode/GpuProduct: e.g. an H100 pool plus a MIG pool.
    public IReadOnlyList<NodePool>? NodePools { get; init; }

    // Nodes without GPUs (no taint), cpu-node-<i>, added beside the GPU nodes or NodePools so plain
    // Deployments and the operator's own pods schedule as on a real GPU cluster.
    public int CpuNodes { get; init; } = 2;

    // Node Leases and condition heartbeats written by the simulated kubelets.
    public NodeHeartbeatOptions NodeHeartbeat { get; init; } = new();

    // Folder for pod folders, volumes, logs and the kubeconfig; default: a new temp folder, removed on dispose.
    public string? StateDirectory { get; init; }

    // Persist every API object under StateDirectory/store and reload them on start (`aiop local --state-dir`).
    public bool PersistObjects { get; init; }

    // Image repository (no tag) -> local command, e.g. "ghcr.io/aioperator/model-server" -> dotnet aiop-model-server.dll.
    public IReadOnlyDictionary<string, ProcessImage> ProcessImages { get; init; } = new Dictionary<string, ProcessImage>();

    // Image repository (no tag) -> simulated behaviour; other images get DefaultSimulation.
    public IReadOnlyDictionary<string, SimulatedContainer> SimulatedImages { get; init; } = new Dictionary<string, SimulatedContainer>();

    public SimulatedContainer DefaultSimulation { get; init; } = new();

    // The kubelet's crash-loop back-off: doubles from Base after each restart, capped at Max.
    public TimeSpan CrashLoopBackoffBase { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan CrashLoopBackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    // On dispose, pod processes get SIGTERM and this long before SIGKILL.
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(3);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>AlwaysAllow (tests' default) or Rbac (`aiop local` and `aiop demo`): see ApiServerOptions.Authorization.</summary>
    public ApiServer.Auth.AuthorizationMode Authorization { get; init; } = ApiServer.Auth.AuthorizationMode.AlwaysAllow;

    public ILoggerFactory? LoggerFactory { get; init; }
}
