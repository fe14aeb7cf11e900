namespace AiOperator.LocalCluster.ApiServer;

/// <summary>Settings of the local cluster's API server.</summary>
public sealed record ApiServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Watch events kept for resuming watches; older resourceVersions answer 410 Gone.</summary>
    public int EventHistorySize { get; init; } = 10_000;

    /// <summary>How often an open watch with allowWatchBookmarks gets a BOOKMARK.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Events buffered per watcher; a watcher that falls this far behind is cut off and must relist.</summary>
    public int WatchBufferSize { get; init; } = 1_000;

    /// <summary>Largest request body accepted (etcd's default object limit).</summary>
    public long MaxRequestBodyBytes { get; init; } = 3 * 1024 * 1024;

    /// <summary>Requests kept in the RequestLog before the oldest are dropped.</summary>
    public int RequestLogCapacity { get; init; } = 100_000;

    /// <summary>Clock for timestamps, pod grace periods, bookmarks and watch timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// AlwaysAllow (default) or Rbac: Kubernetes RBAC over the cluster's Roles and bindings, for requests
    /// authenticated by the admin token (system:masters), a service-account token, or none (anonymous).
    /// </summary>
    public Auth.AuthorizationMode Authorization { get; init; } = Auth.AuthorizationMode.AlwaysAllow;

    /// <summary>TLS port on 127.0.0.1 when Authorization is Rbac; 0 picks a free one.</summary>
    public int SecurePort { get; init; }

    /// <summary>The admin's bearer token (written into the kubeconfig); null makes a random one.</summary>
    public string? AdminToken { get; init; }

    /// <summary>When set, every object is persisted here (snapshot + log, fsynced before a write is answered) and reloaded on start.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Log size at which the persisted store is rewritten as a snapshot.</summary>
    public long CompactLogAtBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Seed for fault-injection dice, so fault tests are reproducible.</summary>
    public int? FaultSeed { get; init; }
}
