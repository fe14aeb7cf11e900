using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.Simulation.Nodes;

// The kubelet's two heartbeats: a Lease per node in kube-node-lease renewed every LeaseInterval
// (what the node lifecycle controller and `kubectl describe node` read), and the node conditions'
// lastHeartbeatTime refreshed every StatusInterval (the kubelet's nodeStatusReportFrequency).
internal sealed class NodeHeartbeat(IKubernetes client, IReadOnlyList<V1Node> nodes, NodeHeartbeatOptions options, TimeProvider time, ILogger logger)
{
    public const string LeaseNamespace = "kube-node-lease";

    // kubelet's default: a lease lives 40 s, renewed every quarter of that.
    public const int LeaseDurationSeconds = 40;

    private readonly Dictionary<string, V1Lease> _leases = new(StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken ct)
    {
        var lastStatus = time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            foreach (var node in nodes)
            {
                await GuardAsync(() => RenewLeaseAsync(node, now, ct), node, "lease");
            }

            if (now - lastStatus >= options.StatusInterval)
            {
                foreach (var node in nodes)
                {
                    await GuardAsync(() => HeartbeatStatusAsync(node.Metadata.Name, now, ct), node, "status");
                }

                lastStatus = now;
            }

            try
            {
                await Task.Delay(options.LeaseInterval, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task GuardAsync(Func<Task> beat, V1Node node, string what)
    {
        try
        {
            await beat();
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // Someone else wrote it meanwhile (or removed it); the next beat starts from the server's copy.
            _leases.Remove(node.Metadata.Name);
            logger.LogDebug("node {Node} {What} heartbeat skipped: {Status}", node.Metadata.Name, what, ex.Response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException)
        {
            logger.LogDebug(ex, "node {Node} {What} heartbeat failed; retrying next beat", node.Metadata.Name, what);
        }
    }

    private async Task RenewLeaseAsync(V1Node node, DateTimeOffset now, CancellationToken ct)
    {
        var name = node.Metadata.Name;
        if (!_leases.TryGetValue(name, out var lease))
        {
            try
            {
                lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(name, LeaseNamespace, cancellationToken: ct);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                _leases[name] = await client.CoordinationV1.CreateNamespacedLeaseAsync(NewLease(node, now), LeaseNamespace, cancellationToken: ct);
                return;
            }
        }

        lease.Spec.HolderIdentity = name;
        lease.Spec.LeaseDurationSeconds = LeaseDurationSeconds;
        lease.Spec.RenewTime = now.UtcDateTime;
        _leases[name] = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, name, LeaseNamespace, cancellationToken: ct);
    }

    private async Task HeartbeatStatusAsync(string name, DateTimeOffset now, CancellationToken ct)
    {
        var current = await client.CoreV1.ReadNodeAsync(name, cancellationToken: ct);
        foreach (var condition in current.Status?.Conditions ?? [])
        {
            condition.LastHeartbeatTime = now.UtcDateTime;
        }

        await client.CoreV1.ReplaceNodeStatusAsync(current, name, cancellationToken: ct);
    }

    private static V1Lease NewLease(V1Node node, DateTimeOffset now) => new()
    {
        ApiVersion = "coordination.k8s.io/v1",
        Kind = "Lease",
        Metadata = new V1ObjectMeta
        {
            Name = node.Metadata.Name,
            NamespaceProperty = LeaseNamespace,
            OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = node.Metadata.Name, Uid = node.Metadata.Uid }],
        },
        Spec = new V1LeaseSpec { HolderIdentity = node.Metadata.Name, LeaseDurationSeconds = LeaseDurationSeconds, RenewTime = now.UtcDateTime },
    };
}
