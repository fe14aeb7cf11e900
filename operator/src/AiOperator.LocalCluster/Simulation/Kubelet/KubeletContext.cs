using AiOperator.LocalCluster.Simulation.Informers;
using AiOperator.LocalCluster.Simulation.Networking;
using k8s;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// What every pod worker of the kubelet shares.
internal sealed record KubeletContext(
    IKubernetes Client,
    string StateDirectory,
    LoopbackAddressPool PodAddresses,
    PodLogStore Logs,
    Func<string, IContainerRuntime> RuntimeFor,
    TimeSpan BackoffBase,
    TimeSpan BackoffMax,
    EventRecorder Events,
    TimeProvider Time,
    ILogger Logger,
    Informer<k8s.Models.V1Pod, k8s.Models.V1PodList>? Pods = null);
