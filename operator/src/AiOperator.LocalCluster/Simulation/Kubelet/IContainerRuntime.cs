namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Starts one attempt of a container; throws ContainerStartException when it cannot.
internal interface IContainerRuntime
{
    Task<IRunningContainer> StartAsync(PodSandbox sandbox, k8s.Models.V1Container container, int attempt, CancellationToken ct);
}
