namespace AiOperator.ControllerRuntime.Metrics;

/// <summary>The framework's metrics, under controller-runtime's and client-go's names so existing dashboards work.</summary>
public sealed class ControllerMetrics
{
    private static readonly double[] ReconcileBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60];

    private static readonly double[] QueueBuckets = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000];

    public ControllerMetrics(MetricsRegistry? registry = null)
    {
        Registry = registry ?? new MetricsRegistry();
        ReconcileTotal = Registry.Counter("controller_runtime_reconcile_total", "Total number of reconciliations per controller", "controller", "result");
        ReconcileErrors = Registry.Counter("controller_runtime_reconcile_errors_total", "Total number of reconciliation errors per controller", "controller");
        ReconcileTime = Registry.Histogram("controller_runtime_reconcile_time_seconds", "Length of time per reconciliation per controller", ReconcileBuckets, "controller");
        ActiveWorkers = Registry.Gauge("controller_runtime_active_workers", "Number of currently used workers per controller", "controller");
        MaxConcurrentReconciles = Registry.Gauge("controller_runtime_max_concurrent_reconciles", "Maximum number of concurrent reconciles per controller", "controller");
        QueueDepth = Registry.Gauge("workqueue_depth", "Current depth of workqueue", "name");
        QueueAdds = Registry.Counter("workqueue_adds_total", "Total number of adds handled by workqueue", "name");
        QueueRetries = Registry.Counter("workqueue_retries_total", "Total number of retries handled by workqueue", "name");
        QueueLatency = Registry.Histogram("workqueue_queue_duration_seconds", "How long in seconds an item stays in workqueue before being requested", QueueBuckets, "name");
        WorkDuration = Registry.Histogram("workqueue_work_duration_seconds", "How long in seconds processing an item from workqueue takes", QueueBuckets, "name");
        RestRequests = Registry.Counter("rest_client_requests_total", "Number of HTTP requests, partitioned by status code and method", "method", "code");
        WatchRestarts = Registry.Counter("aioperator_informer_watch_restarts_total", "Watches restarted per kind and reason", "kind", "reason");
        Relists = Registry.Counter("aioperator_informer_relists_total", "Full lists per kind (start, expired resourceVersion)", "kind");
        LeaderStatus = Registry.Gauge("leader_election_master_status", "1 while this instance leads the named lease, else 0", "name");
        DecodeErrors = Registry.Counter("aioperator_decode_errors_total", "Objects from the API server that could not be decoded into their type", "kind");
        UndecodableObjects = Registry.Gauge("aioperator_informer_undecodable_objects", "Objects that exist but do not decode into their type (tracked by name, reported by an Event)", "kind");
        EventsDropped = Registry.Counter("aioperator_events_dropped_total", "Events not written because the recorder's buffer was full or the write failed", "reason");
    }

    public MetricsRegistry Registry { get; }

    public Counter ReconcileTotal { get; }

    public Counter ReconcileErrors { get; }

    public Histogram ReconcileTime { get; }

    public Gauge ActiveWorkers { get; }

    public Gauge MaxConcurrentReconciles { get; }

    public Gauge QueueDepth { get; }

    public Counter QueueAdds { get; }

    public Counter QueueRetries { get; }

    public Histogram QueueLatency { get; }

    public Histogram WorkDuration { get; }

    public Counter RestRequests { get; }

    public Counter WatchRestarts { get; }

    public Counter Relists { get; }

    public Gauge LeaderStatus { get; }

    public Counter EventsDropped { get; }

    public Counter DecodeErrors { get; }

    public Gauge UndecodableObjects { get; }
}
