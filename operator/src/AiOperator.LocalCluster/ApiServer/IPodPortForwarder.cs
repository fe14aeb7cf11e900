namespace AiOperator.LocalCluster.ApiServer;

/// <summary>Whether a pod's ports can be reached; the simulated kubelet knows which pods run real processes.</summary>
public interface IPodPortForwarder
{
    /// <summary>Null when the pod's containers listen on its pod IP; otherwise why nothing does (shown to the user).</summary>
    string? WhyUnreachable(string podNamespace, string podName, IReadOnlyList<string> images);
}
