using AiOperator.Metrics;

namespace AiOperator.ModelServer.Metrics;

/// <summary>
/// The server's Prometheus metrics. Triton's names where Triton has one, so existing dashboards work;
/// aiop_* for what the operator's autoscaler and rollout analysis read. Exposition is the shared
/// AiOperator.Metrics registry (the operator's own); the series are created up front so every counter
/// is exposed at 0 from the start.
/// </summary>
internal sealed class ServerMetrics
{
    private static readonly double[] LatencyBounds =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly double[] BatchBounds = [1, 2, 4, 8, 16, 32, 64, 128, 256];
    private static readonly string[] Labels = ["model", "version"];

    private readonly MetricsRegistry _registry = new();
    private readonly string _model;
    private readonly string _version;
    private readonly NvmlProbe? _nvml;
    private readonly Lock _render = new();

    // [rest success, rest failure, grpc success, grpc failure]
    private readonly CounterSeries[] _byProtocol;
    private readonly CounterSeries _success;
    private readonly CounterSeries _failure;
    private readonly CounterSeries _inferences;
    private readonly CounterSeries _executions;
    private readonly CounterSeries _requestMicros;
    private readonly CounterSeries _queueMicros;
    private readonly CounterSeries _computeMicros;
    private readonly CounterSeries _warmUpFailures;
    private readonly CounterSeries _received;
    private readonly GaugeSeries _pending;
    private readonly GaugeSeries _inFlight;
    private readonly GaugeSeries _busy;
    private readonly GaugeSeries _ready;
    private string? _shownFailure;
    private string? _shownProvider;

    public ServerMetrics(string model, string version, BusyRatio busy, NvmlProbe? nvml)
    {
        _model = model;
        _version = version;
        Busy = busy;
        _nvml = nvml;
        CounterSeries Counter(string name, string help) => _registry.Counter(name, help, Labels).WithLabels(model, version);
        GaugeSeries Gauge(string name, string help) => _registry.Gauge(name, help, Labels).WithLabels(model, version);

        _success = Counter("nv_inference_request_success", "Number of successful inference requests");
        _failure = Counter("nv_inference_request_failure", "Number of failed inference requests");
        var byProtocol = _registry.Counter("aiop_inference_requests_total", "Inference requests by protocol and result", "model", "version", "protocol", "result");
        _byProtocol =
        [
            byProtocol.WithLabels(model, version, "rest", "success"),
            byProtocol.WithLabels(model, version, "rest", "failure"),
            byProtocol.WithLabels(model, version, "grpc", "success"),
            byProtocol.WithLabels(model, version, "grpc", "failure"),
        ];
        _inferences = Counter("nv_inference_count", "Number of inferences performed (a batch of N counts N)");
        _executions = Counter("nv_inference_exec_count", "Number of model executions performed");
        _requestMicros = Counter("nv_inference_request_duration_us", "Cumulative inference request duration in microseconds");
        _queueMicros = Counter("nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds");
        _computeMicros = Counter("nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds");
        _pending = Gauge("nv_inference_pending_request_count", "Inference requests waiting for execution");
        Latency = _registry.Histogram("aiop_request_duration_seconds", "Inference request latency, receipt to response", LatencyBounds, Labels).WithLabels(model, version);
        BatchSize = _registry.Histogram("aiop_batch_size", "Rows per model execution", BatchBounds, Labels).WithLabels(model, version);
        _inFlight = Gauge("aiop_inflight_requests", "Inference requests being handled now");
        _received = Counter("aiop_inference_requests_received_total", "Inference requests received, counted on arrival (the demand; nv_inference_request_* count them when answered)");
        _busy = Gauge("aiop_busy_ratio", "Share of the last 10 s in which the model was executing");
        _ready = Gauge("aiop_model_ready", "1 when the model's session is loaded and the server is not draining");
        _warmUpFailures = Counter("aiop_model_warmup_failures_total", "Warm-up runs on synthetic inputs that the model rejected (the model is served regardless)");
    }

    public HistogramSeries Latency { get; }
    public HistogramSeries BatchSize { get; }
    public BusyRatio Busy { get; }

    public string? Provider { get; set; }
    public bool Ready { get; set; }
    public string? LoadFailure { get; set; }

    public long Success => (long)_success.Value;
    public long Failure => (long)_failure.Value;
    public long Executions => (long)_executions.Value;
    public long Inferences => (long)_inferences.Value;
    public long Pending => (long)_pending.Value;
    public long InFlight => (long)_inFlight.Value;

    public long Received => (long)_received.Value;

    /// <summary>A request has arrived: counted at once, so the rate of arrivals shows demand before it is served (or refused).</summary>
    public void RequestStarted()
    {
        _received.Inc();
        _inFlight.Add(1);
    }

    /// <summary>Counts a finished request; the nv_* totals cover both protocols, aiop_inference_requests_total splits them.</summary>
    public void RequestFinished(bool ok, TimeSpan duration, bool grpc = false)
    {
        _byProtocol[(grpc ? 2 : 0) + (ok ? 0 : 1)].Inc();
        _inFlight.Add(-1);
        (ok ? _success : _failure).Inc();
        _requestMicros.Add(Micros(duration));
        Latency.Observe(duration.TotalSeconds);
    }

    public long WarmUpFailures => (long)_warmUpFailures.Value;

    public void WarmUpFailed() => _warmUpFailures.Inc();

    public void Enqueued() => _pending.Add(1);

    public void Dequeued(TimeSpan waited)
    {
        _pending.Add(-1);
        _queueMicros.Add(Micros(waited));
    }

    public void Executed(int batchRows, TimeSpan compute)
    {
        _executions.Inc();
        _inferences.Add(batchRows);
        _computeMicros.Add(Micros(compute));
        BatchSize.Observe(batchRows);
    }

    public string Render()
    {
        lock (_render)
        {
            _busy.Set(Busy.Read());
            _ready.Set(Ready ? 1 : 0);
            var failure = LoadFailure is { } reason ? (reason.Length > 200 ? reason[..200] : reason) : null;
            Show("aiop_model_load_failure", "1 with the reason when the model failed to load", "reason", failure, ref _shownFailure);
            Show("aiop_execution_provider", "The ONNX Runtime execution provider in use", "provider", Provider, ref _shownProvider);
            if (_nvml is not null)
            {
                var gpus = _nvml.Read();
                GpuGauge("nv_gpu_utilization", "GPU utilization rate [0.0 - 1.0)", gpus, g => g.Utilization);
                GpuGauge("nv_gpu_memory_used_bytes", "GPU used memory, in bytes", gpus, g => g.MemoryUsedBytes);
                GpuGauge("nv_gpu_memory_total_bytes", "GPU total memory, in bytes", gpus, g => g.MemoryTotalBytes);
            }

            return _registry.Render();
        }
    }

    // A 1-valued gauge that carries a string as a label: one series, replaced when the string changes.
    private void Show(string name, string help, string label, string? value, ref string? shown)
    {
        if (value == shown)
        {
            return;
        }

        var gauge = _registry.Gauge(name, help, "model", "version", label);
        if (shown is not null)
        {
            gauge.Remove(_model, _version, shown);
        }

        if (value is not null)
        {
            gauge.Set(1, _model, _version, value);
        }

        shown = value;
    }

    // Only readings NVML gave: never a made-up number for a GPU that did not report one.
    private void GpuGauge(string name, string help, IReadOnlyList<GpuReading> gpus, Func<GpuReading, double?> value)
    {
        if (!gpus.Any(g => value(g) is not null))
        {
            return;
        }

        var gauge = _registry.Gauge(name, help, "gpu_uuid");
        foreach (var g in gpus)
        {
            if (value(g) is { } v)
            {
                gauge.Set(v, g.Uuid);
            }
            else
            {
                gauge.Remove(g.Uuid);
            }
        }
    }

    private void GpuGauge(string name, string help, IReadOnlyList<GpuReading> gpus, Func<GpuReading, ulong?> value) =>
        GpuGauge(name, help, gpus, g => value(g) is { } v ? (double)v : null);

    private static long Micros(TimeSpan t) => (long)(t.Ticks / 10.0);
}
