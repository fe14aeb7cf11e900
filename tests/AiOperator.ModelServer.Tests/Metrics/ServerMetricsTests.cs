using AiOperator.ModelServer.Metrics;
using AiOperator.ModelServer.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AiOperator.ModelServer.Tests.Metrics;

public sealed class ServerMetricsTests
{
    [Fact]
    public void Renders_triton_names_histogram_and_operator_gauges()
    {
        var metrics = new ServerMetrics("m\"x", "2", new BusyRatio(new FakeTimeProvider(), TimeSpan.FromSeconds(10)), nvml: null);
        metrics.RequestStarted();
        metrics.RequestStarted();
        metrics.RequestFinished(ok: true, TimeSpan.FromMilliseconds(3));
        metrics.Enqueued();
        metrics.Dequeued(TimeSpan.FromMicroseconds(250));
        metrics.Executed(4, TimeSpan.FromMicroseconds(1000));
        metrics.Provider = "CPU";

        var parsed = PrometheusText.Parse(metrics.Render());
        const string labels = "{model=\"m\\\"x\",version=\"2\"}";
        Assert.Equal(1, parsed["nv_inference_request_success" + labels]);
        Assert.Equal(0, parsed["nv_inference_request_failure" + labels]);
        Assert.Equal(4, parsed["nv_inference_count" + labels]);
        Assert.Equal(1, parsed["nv_inference_exec_count" + labels]);
        Assert.Equal(3000, parsed["nv_inference_request_duration_us" + labels]);
        Assert.Equal(250, parsed["nv_inference_queue_duration_us" + labels]);
        Assert.Equal(1000, parsed["nv_inference_compute_infer_duration_us" + labels]);
        Assert.Equal(0, parsed["nv_inference_pending_request_count" + labels]);
        Assert.Equal(1, parsed["aiop_inflight_requests" + labels]);
        // Arrivals are counted when a request starts: two arrived, one is answered so far.
        Assert.Equal(2, parsed["aiop_inference_requests_received_total" + labels]);
        Assert.Equal(0, parsed["aiop_request_duration_seconds_bucket{model=\"m\\\"x\",version=\"2\",le=\"0.0025\"}"]);
        Assert.Equal(1, parsed["aiop_request_duration_seconds_bucket{model=\"m\\\"x\",version=\"2\",le=\"0.005\"}"]);
        Assert.Equal(1, parsed["aiop_request_duration_seconds_count" + labels]);
        Assert.Equal(1, parsed["aiop_batch_size_bucket{model=\"m\\\"x\",version=\"2\",le=\"4\"}"]);
        Assert.Equal(1, parsed["aiop_execution_provider{model=\"m\\\"x\",version=\"2\",provider=\"CPU\"}"]);
        Assert.True(parsed.ContainsKey("aiop_busy_ratio" + labels));
        // Without NVML there is no GPU number at all, never a made-up one.
        Assert.DoesNotContain(parsed.Keys, k => k.StartsWith("nv_gpu_", StringComparison.Ordinal));
    }

    [Fact]
    public void Nvml_absent_on_this_machine_yields_no_probe() =>
        Assert.Null(NvmlProbe.TryCreate("libnvidia-ml-definitely-missing.so.1"));
}
