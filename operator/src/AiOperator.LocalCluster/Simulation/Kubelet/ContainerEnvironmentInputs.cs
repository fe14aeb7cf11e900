using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Everything the environment of one process container depends on, gathered before the start.
internal sealed record ContainerEnvironmentInputs(
    V1Pod Pod,
    V1Container Container,
    string PodIp,
    string HostIp,
    IReadOnlyDictionary<string, string> DnsRecords,
    IReadOnlyList<(string MountPath, string HostPath)> Mounts,
    IReadOnlyDictionary<string, IDictionary<string, string>> ConfigMaps,
    IReadOnlyDictionary<string, IDictionary<string, string>> Secrets,
    string PodDirectory,
    string TerminationLogPath,
    string PvcRoot);
