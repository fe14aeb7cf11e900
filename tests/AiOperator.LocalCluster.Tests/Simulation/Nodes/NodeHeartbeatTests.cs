using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Nodes;

public sealed class NodeHeartbeatTests
{
    [Fact]
    public async Task Every_node_renews_its_lease_and_refreshes_its_condition_heartbeats()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with
        {
            CpuNodes = 1,
            NodeHeartbeat = new NodeHeartbeatOptions { LeaseInterval = TimeSpan.FromMilliseconds(100), StatusInterval = TimeSpan.FromMilliseconds(300) },
        });
        var client = cluster.Client;
        var registered = await client.CoreV1.ReadNodeAsync("gpu-node-0");
        var firstBeat = registered.Status.Conditions.Single(c => c.Type == "Ready").LastHeartbeatTime;

        var first = await TestCluster.UntilAsync(async () =>
        {
            var leases = (await client.CoordinationV1.ListNamespacedLeaseAsync("kube-node-lease")).Items;
            return leases.Count == 3 ? leases : null;
        }, "a lease per node");
        Assert.Equal(["cpu-node-0", "gpu-node-0", "gpu-node-1"], first.Select(l => l.Metadata.Name).Order(StringComparer.Ordinal));
        var lease = first.Single(l => l.Metadata.Name == "gpu-node-0");
        Assert.Equal(("gpu-node-0", 40), (lease.Spec.HolderIdentity, lease.Spec.LeaseDurationSeconds));
        Assert.Equal(("Node", registered.Metadata.Uid), (lease.Metadata.OwnerReferences.Single().Kind, lease.Metadata.OwnerReferences.Single().Uid));

        await TestCluster.UntilAsync(async () =>
        {
            var renewed = await client.CoordinationV1.ReadNamespacedLeaseAsync("gpu-node-0", "kube-node-lease");
            return renewed.Spec.RenewTime > lease.Spec.RenewTime ? renewed : null;
        }, "the lease renewed");

        var beaten = await TestCluster.UntilAsync(async () =>
        {
            var node = await client.CoreV1.ReadNodeAsync("gpu-node-0");
            return node.Status.Conditions.All(c => c.LastHeartbeatTime > firstBeat) ? node : null;
        }, "node conditions' lastHeartbeatTime refreshed");
        Assert.Contains(beaten.Status.Conditions, c => c.Type == "Ready" && c.Status == "True" && c.LastTransitionTime == registered.Status.Conditions.Single(r => r.Type == "Ready").LastTransitionTime);
    }
}
