using AiOperator.ControllerRuntime.Metrics;

namespace AiOperator.ControllerRuntime.Tests.Metrics;

public sealed class MetricsRegistryTests
{
    [Fact]
    public void A_removed_gauge_series_is_no_longer_rendered()
    {
        var registry = new MetricsRegistry();
        var gauge = registry.Gauge("desired", "d", "name");
        gauge.Set(3, "a");
        gauge.Set(5, "b");

        Assert.True(gauge.Remove("a"));
        Assert.False(gauge.Remove("a"));

        var text = registry.Render();
        Assert.DoesNotContain("desired{name=\"a\"}", text, StringComparison.Ordinal);
        Assert.Contains("desired{name=\"b\"} 5\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Renders_counters_gauges_and_histograms_in_prometheus_text()
    {
        var metrics = new ControllerMetrics();
        metrics.ReconcileTotal.Inc("modeldeployment", "success");
        metrics.ReconcileTotal.Inc("modeldeployment", "success");
        metrics.QueueDepth.Set(4, "modeldeployment");
        metrics.ReconcileTime.Observe(0.02, "modeldeployment");
        metrics.RestRequests.Inc("PATCH", "409");

        var text = metrics.Registry.Render();

        Assert.Contains("# TYPE controller_runtime_reconcile_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("controller_runtime_reconcile_total{controller=\"modeldeployment\",result=\"success\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("workqueue_depth{name=\"modeldeployment\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("controller_runtime_reconcile_time_seconds_bucket{controller=\"modeldeployment\",le=\"0.01\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("controller_runtime_reconcile_time_seconds_bucket{controller=\"modeldeployment\",le=\"0.025\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("controller_runtime_reconcile_time_seconds_bucket{controller=\"modeldeployment\",le=\"+Inf\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("controller_runtime_reconcile_time_seconds_count{controller=\"modeldeployment\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("rest_client_requests_total{method=\"PATCH\",code=\"409\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Escapes_label_values()
    {
        var registry = new MetricsRegistry();
        registry.Counter("c_total", "help", "l").Inc("a\"b\\c\nd");

        Assert.Contains("c_total{l=\"a\\\"b\\\\c\\nd\"} 1\n", registry.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_number_of_label_values_is_refused_with_the_metric_name()
    {
        var registry = new MetricsRegistry();
        var counter = registry.Counter("c_total", "help", "a", "b");

        var error = Assert.Throws<ArgumentException>(() => counter.Inc("only-one"));
        Assert.Contains("c_total", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counters_only_go_up()
    {
        var counter = new MetricsRegistry().Counter("c_total", "help");

        Assert.Throws<ArgumentOutOfRangeException>(() => counter.Add(-1));
    }

    [Fact]
    public void Renders_a_histogram_exactly_with_inclusive_upper_bounds()
    {
        var registry = new MetricsRegistry();
        var latency = registry.Histogram("lat_seconds", "Latency", [0.1, 1], "model");
        latency.Observe(0.1, "m");
        latency.WithLabels("m").Observe(0.5);
        latency.Observe(7, "m");

        Assert.Equal(
            "# HELP lat_seconds Latency\n# TYPE lat_seconds histogram\n" +
            "lat_seconds_bucket{model=\"m\",le=\"0.1\"} 1\n" +
            "lat_seconds_bucket{model=\"m\",le=\"1\"} 2\n" +
            "lat_seconds_bucket{model=\"m\",le=\"+Inf\"} 3\n" +
            "lat_seconds_sum{model=\"m\"} 7.6\n" +
            "lat_seconds_count{model=\"m\"} 3\n",
            registry.Render());
        Assert.Equal(3, latency.Count("m"));
    }

    [Fact]
    public void Series_taken_up_front_are_exposed_at_zero_and_share_the_labelled_values()
    {
        var registry = new MetricsRegistry();
        var counter = registry.Counter("ok_total", "ok", "model");
        var series = counter.WithLabels("m");
        var gauge = registry.Gauge("pending", "p", "model").WithLabels("m");

        Assert.Contains("ok_total{model=\"m\"} 0\n", registry.Render(), StringComparison.Ordinal);
        Assert.Contains("pending{model=\"m\"} 0\n", registry.Render(), StringComparison.Ordinal);

        series.Inc();
        counter.Inc("m");
        gauge.Add(2);
        gauge.Add(-1);

        Assert.Equal(2, counter.Value("m"));
        Assert.Equal(2, series.Value);
        Assert.Contains("pending{model=\"m\"} 1\n", registry.Render(), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => series.Add(-1));
    }

    [Fact]
    public async Task Concurrent_observations_are_all_counted()
    {
        var histogram = new MetricsRegistry().Histogram("h", "h", [1.0]).WithLabels();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                histogram.Observe(i % 2);
            }
        })));

        Assert.Equal(40_000, histogram.Count);
        Assert.Equal(20_000, histogram.Sum);
        Assert.Equal([40_000, 40_000], histogram.Cumulative());
    }
}
