namespace AiOperator.LocalCluster;

// How often the simulated kubelets renew their node Leases and refresh their node conditions'
// lastHeartbeatTime (kubelet defaults: 10 s and 5 min). Disabled clusters write neither.
public sealed record NodeHeartbeatOptions
{
    public bool Enabled { get; init; } = true;

    public TimeSpan LeaseInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromMinutes(5);
}
