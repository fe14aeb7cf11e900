using System.Globalization;
using System.Text;

namespace AiOperator.ModelServer.Metrics;

/// <summary>
/// The server's Prometheus metrics. Triton's names where Triton has one, so existing dashboards work;
/// aiop_* for what the operator's autoscaler and rollout analysis read.
/// </summary>
internal sealed class ServerMetrics(string model, string version, BusyRatio busy, NvmlProbe? nvml)
{
    private static readonly double[] LatencyBounds =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly double[] BatchBounds = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    private readonly long[] _byProtocol = new long[4];
    private long _warmUpFailures;
    private long _success;
    private long _failure;
    private long _inferences;
    private long _executions;
    private long _requestMicros;
    private long _queueMicros;
    private long _computeMicros;
    private long _inFlight;
    private long _pending;

    public Histogram Latency { get; } = new(LatencyBounds);
    public Histogram BatchSize { get; } = new(BatchBounds);
    public BusyRatio Busy => busy;

    public string? Provider { get; set; }
    public bool Ready { get; set; }
    public string? LoadFailure { get; set; }

    public long Success => Interlocked.Read(ref _success);
    public long Failure => Interlocked.Read(ref _failure);
    public long Executions => Interlocked.Read(ref _executions);
    public long Inferences => Interlocked.Read(ref _inferences);
    public long Pending => Interlocked.Read(ref _pending);
    public long InFlight => Interlocked.Read(ref _inFlight);

    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    /// <summary>Counts a finished request; the nv_* totals cover both protocols, aiop_inference_requests_total splits them.</summary>
    public void RequestFinished(bool ok, TimeSpan duration, bool grpc = false)
    {
        Interlocked.Increment(ref _byProtocol[(grpc ? 2 : 0) + (ok ? 0 : 1)]);
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref ok ? ref _success : ref _failure);
        Interlocked.Add(ref _requestMicros, Micros(duration));
        Latency.Observe(duration.TotalSeconds);
    }

    public long WarmUpFailures => Interlocked.Read(ref _warmUpFailures);

    public void WarmUpFailed() => Interlocked.Increment(ref _warmUpFailures);

    public void Enqueued() => Interlocked.Increment(ref _pending);

    public void Dequeued(TimeSpan waited)
    {
        Interlocked.Decrement(ref _pending);
        Interlocked.Add(ref _queueMicros, Micros(waited));
    }

    public void Executed(int batchRows, TimeSpan compute)
    {
        Interlocked.Increment(ref _executions);
        Interlocked.Add(ref _inferences, batchRows);
        Interlocked.Add(ref _computeMicros, Micros(compute));
        BatchSize.Observe(batchRows);
    }

    public string Render()
    {
        var sb = new StringBuilder(4096);
        var labels = $"model=\"{Escape(model)}\",version=\"{Escape(version)}\"";
        Counter(sb, "nv_inference_request_success", "Number of successful inference requests", labels, Success);
        Counter(sb, "nv_inference_request_failure", "Number of failed inference requests", labels, Failure);
        sb.Append("# HELP aiop_inference_requests_total Inference requests by protocol and result\n# TYPE aiop_inference_requests_total counter\n");
        foreach (var (protocol, offset) in new[] { ("rest", 0), ("grpc", 2) })
        {
            sb.Append(CultureInfo.InvariantCulture, $"aiop_inference_requests_total{{{labels},protocol=\"{protocol}\",result=\"success\"}} {Interlocked.Read(ref _byProtocol[offset])}\n");
            sb.Append(CultureInfo.InvariantCulture, $"aiop_inference_requests_total{{{labels},protocol=\"{protocol}\",result=\"failure\"}} {Interlocked.Read(ref _byProtocol[offset + 1])}\n");
        }

        Counter(sb, "nv_inference_count", "Number of inferences performed (a batch of N counts N)", labels, Inferences);
        Counter(sb, "nv_inference_exec_count", "Number of model executions performed", labels, Executions);
        Counter(sb, "nv_inference_request_duration_us", "Cumulative inference request duration in microseconds", labels, Interlocked.Read(ref _requestMicros));
        Counter(sb, "nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds", labels, Interlocked.Read(ref _queueMicros));
        Counter(sb, "nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds", labels, Interlocked.Read(ref _computeMicros));
        Gauge(sb, "nv_inference_pending_request_count", "Inference requests waiting for execution", labels, Pending);
        WriteHistogram(sb, "aiop_request_duration_seconds", "Inference request latency, receipt to response", labels, Latency);
        WriteHistogram(sb, "aiop_batch_size", "Rows per model execution", labels, BatchSize);
        Gauge(sb, "aiop_inflight_requests", "Inference requests being handled now", labels, InFlight);
        Gauge(sb, "aiop_busy_ratio", "Share of the last 10 s in which the model was executing", labels, busy.Read());
        Gauge(sb, "aiop_model_ready", "1 when the model's session is loaded and the server is not draining", labels, Ready ? 1 : 0);
        Counter(sb, "aiop_model_warmup_failures_total", "Warm-up runs on synthetic inputs that the model rejected (the model is served regardless)", labels, WarmUpFailures);
        if (LoadFailure is { } reason)
        {
            Gauge(sb, "aiop_model_load_failure", "1 with the reason when the model failed to load",
                $"{labels},reason=\"{Escape(reason.Length > 200 ? reason[..200] : reason)}\"", 1);
        }

        if (Provider is { } provider)
        {
            Gauge(sb, "aiop_execution_provider", "The ONNX Runtime execution provider in use", $"{labels},provider=\"{provider}\"", 1);
        }

        if (nvml is not null)
        {
            var gpus = nvml.Read();
            GpuGauge(sb, "nv_gpu_utilization", "GPU utilization rate [0.0 - 1.0)", gpus, g => g.Utilization);
            GpuGauge(sb, "nv_gpu_memory_used_bytes", "GPU used memory, in bytes", gpus, g => g.MemoryUsedBytes);
            GpuGauge(sb, "nv_gpu_memory_total_bytes", "GPU total memory, in bytes", gpus, g => g.MemoryTotalBytes);
        }

        return sb.ToString();
    }

    private static void GpuGauge(StringBuilder sb, string name, string help, IReadOnlyList<GpuReading> gpus, Func<GpuReading, double?> value)
    {
        var present = gpus.Where(g => value(g) is not null).ToList();
        if (present.Count == 0)
        {
            return;
        }

        Header(sb, name, help, "gauge");
        foreach (var g in present)
        {
            sb.Append(name).Append("{gpu_uuid=\"").Append(Escape(g.Uuid)).Append("\"} ").Append(Number(value(g)!.Value)).Append('\n');
        }
    }

    private static void GpuGauge(StringBuilder sb, string name, string help, IReadOnlyList<GpuReading> gpus, Func<GpuReading, ulong?> value) =>
        GpuGauge(sb, name, help, gpus, g => value(g) is { } v ? (double)v : null);

    private static void Counter(StringBuilder sb, string name, string help, string labels, long value)
    {
        Header(sb, name, help, "counter");
        sb.Append(name).Append('{').Append(labels).Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Gauge(StringBuilder sb, string name, string help, string labels, double value)
    {
        Header(sb, name, help, "gauge");
        sb.Append(name).Append('{').Append(labels).Append("} ").Append(Number(value)).Append('\n');
    }

    private static void WriteHistogram(StringBuilder sb, string name, string help, string labels, Histogram h)
    {
        Header(sb, name, help, "histogram");
        var cumulative = h.Cumulative();
        for (var i = 0; i < h.Bounds.Count; i++)
        {
            sb.Append(name).Append("_bucket{").Append(labels).Append(",le=\"").Append(Number(h.Bounds[i])).Append("\"} ")
                .Append(cumulative[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        sb.Append(name).Append("_bucket{").Append(labels).Append(",le=\"+Inf\"} ").Append(cumulative[^1].ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append(name).Append("_sum{").Append(labels).Append("} ").Append(Number(h.Sum)).Append('\n');
        sb.Append(name).Append("_count{").Append(labels).Append("} ").Append(cumulative[^1].ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Header(StringBuilder sb, string name, string help, string type) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
          .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static long Micros(TimeSpan t) => (long)(t.Ticks / 10.0);

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
