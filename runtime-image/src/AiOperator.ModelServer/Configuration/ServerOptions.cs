namespace AiOperator.ModelServer.Configuration;

/// <summary>Everything the model server is told at start, from flags or AIOP_* environment variables.</summary>
internal sealed record ServerOptions
{
    public required string ModelUri { get; init; }
    public string ModelName { get; init; } = "model";
    public string ModelVersion { get; init; } = "1";
    public string? Sha256 { get; init; }
    public string Host { get; init; } = "0.0.0.0";
    public int HttpPort { get; init; } = 8080;
    /// <summary>The Open Inference Protocol gRPC port (HTTP/2 without TLS), as Triton's 8001.</summary>
    public int GrpcPort { get; init; } = 8001;
    public ExecutionProviderKind ExecutionProvider { get; init; } = ExecutionProviderKind.Auto;
    public int IntraOpThreads { get; init; } = 1;
    /// <summary>True when the count came from --intra-op-threads or its variable, not the CPU limit: a model then keeps it as given.</summary>
    public bool IntraOpThreadsGiven { get; init; }
    /// <summary>
    /// Whether ONNX Runtime's idle intra-op threads spin for work (its session.intra_op.allow_spinning). Off by
    /// default: a spinning thread holds a core the HTTP side needs (on 2 cores it put a 3-4 ms tail on every
    /// hundredth request) and burns a pod's CPU quota while idle (docs/benchmarks.md, issue 13).
    /// </summary>
    public bool IntraOpSpinning { get; init; }
    public GraphOptimization GraphOptimization { get; init; } = GraphOptimization.All;
    public int MaxBatchSize { get; init; } = 8;
    public int MaxQueueDelayMicroseconds { get; init; } = 2000;
    public int MaxQueueSize { get; init; } = 1024;
    public long MaxRequestBytes { get; init; } = 64L * 1024 * 1024;
    /// <summary>Inference requests read and parsed at once; more get 503 (the queue limit applies after parsing).</summary>
    public int MaxConcurrentReads { get; init; } = 64;
    public long MaxModelBytes { get; init; } = 2L * 1024 * 1024 * 1024;
    /// <summary>Parallel executions of the session; 0 picks 1 with batching and 2 without.</summary>
    public int InstanceCount { get; init; }
    public int DrainTimeoutSeconds { get; init; } = 30;
    /// <summary>Seconds to keep serving with readiness false after SIGTERM, so endpoints can update.</summary>
    public int DrainDelaySeconds { get; init; }
    public int DownloadTimeoutSeconds { get; init; } = 300;
    /// <summary>Where http(s) models are downloaded; a writable emptyDir under a read-only root.</summary>
    public string ModelCacheDirectory { get; init; } = Path.GetTempPath();
    public string? TerminationLogPath { get; init; }
}
