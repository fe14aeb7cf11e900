using System.Security.Cryptography;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

internal static class ContainerIds
{
    // Shaped like containerd's IDs, which is what tools parsing containerID expect.
    public static string New() => $"containerd://{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}";
}
