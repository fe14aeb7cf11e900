namespace AiOperator.LocalCluster.Simulation.Kubelet;

internal enum ContainerPhase
{
    Waiting,
    Running,
    Terminated,
}
