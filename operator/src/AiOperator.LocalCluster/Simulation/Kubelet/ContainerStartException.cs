namespace AiOperator.LocalCluster.Simulation.Kubelet;

// A container that cannot start: it stays Waiting with this reason and message, and is retried.
internal sealed class ContainerStartException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
