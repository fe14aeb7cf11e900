using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Tests.Monitoring;

public sealed class PrometheusTextParserTests
{
    private static readonly PrometheusTextLimits Limits = new();

    [Fact]
    public void Reads_samples_labels_escapes_special_values_and_timestamps()
    {
        const string body = "# HELP x help\n# TYPE x counter\n"
            + "x{model=\"m\",version=\"1\"} 12\n"
            + "x_bucket{le=\"+Inf\"} 3 1700000000000\r\n"
            + "  y{reason=\"bad \\\"file\\\"\\nline\\\\\"} 1\n"
            + "z NaN\nw +Inf\nv -Inf\nu 1.5e3\n\n";

        var samples = PrometheusTextParser.Parse(body, _ => true, Limits);

        Assert.Equal(7, samples.Count);
        Assert.Equal(("x", 12.0, "1"), (samples[0].Name, samples[0].Value, samples[0].Label("version")));
        Assert.Equal(("x_bucket", 3.0, "+Inf"), (samples[1].Name, samples[1].Value, samples[1].Label("le")));
        Assert.Equal("bad \"file\"\nline\\", samples[2].Label("reason"));
        Assert.True(double.IsNaN(samples[3].Value));
        Assert.Equal(double.PositiveInfinity, samples[4].Value);
        Assert.Equal(double.NegativeInfinity, samples[5].Value);
        Assert.Equal(1500, samples[6].Value);
        Assert.Empty(samples[6].Labels);
    }

    [Fact]
    public void Keeps_only_wanted_names_and_skips_the_rest_unparsed()
    {
        var samples = PrometheusTextParser.Parse("a 1\nb{x=\"y\"} 2\nc 3\n", n => n == "b", Limits);

        var only = Assert.Single(samples);
        Assert.Equal("b", only.Name);
    }

    [Theory]
    [InlineData("a{x=\"y} 1", "unterminated")]
    [InlineData("a{x=y} 1", "malformed label")]
    [InlineData("a 1x", "not a number")]
    [InlineData("a", "no value")]
    [InlineData("{x=\"y\"} 1", "metric name")]
    [InlineData("a{x=\"\\q\"} 1", "unknown escape")]
    public void Malformed_lines_fail_the_body_with_the_line_number(string line, string expected)
    {
        var error = Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("ok 1\n" + line + "\n", _ => true, Limits));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_are_checked_before_the_excess_is_kept()
    {
        var limits = new PrometheusTextLimits { MaxLines = 3, MaxLineLength = 40, MaxLabelsPerSample = 2, MaxLabelValueLength = 5, MaxSamples = 2 };

        Assert.Contains("more than 3 lines", Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("# a\n# b\n# c\n# d\n", _ => true, limits)).Message, StringComparison.Ordinal);
        Assert.Contains("longer than 40", Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("a " + new string('1', 50), _ => true, limits)).Message, StringComparison.Ordinal);
        Assert.Contains("more than 2 labels", Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("a{x=\"1\",y=\"2\",z=\"3\"} 1", _ => true, limits)).Message, StringComparison.Ordinal);
        Assert.Contains("longer than 5", Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("a{x=\"123456\"} 1", _ => true, limits)).Message, StringComparison.Ordinal);
        Assert.Contains("more than 2 wanted", Assert.Throws<FormatException>(() => PrometheusTextParser.Parse("a 1\na 2\na 3", _ => true, limits)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_the_model_servers_own_exposition()
    {
        const string body = """
            # TYPE nv_inference_request_success counter
            nv_inference_request_success{model="m",version="1"} 90
            nv_inference_request_failure{model="m",version="1"} 10
            aiop_inference_requests_received_total{model="m",version="1"} 104
            nv_inference_request_duration_us{model="m",version="1"} 2500000
            aiop_request_duration_seconds_bucket{model="m",version="1",le="0.01"} 50
            aiop_request_duration_seconds_bucket{model="m",version="1",le="0.1"} 95
            aiop_request_duration_seconds_bucket{model="m",version="1",le="+Inf"} 100
            aiop_request_duration_seconds_sum{model="m",version="1"} 2.5
            aiop_inflight_requests{model="m",version="1"} 3
            aiop_busy_ratio{model="m",version="1"} 0.4
            aiop_model_ready{model="m",version="1"} 0
            aiop_model_load_failure{model="m",version="1",reason="sha256 mismatch"} 1
            nv_gpu_utilization{gpu_uuid="GPU-a"} 0.5
            nv_gpu_utilization{gpu_uuid="GPU-b"} 0.7
            """;
        var at = DateTimeOffset.UnixEpoch;

        var sample = ModelServerScrape.ToSample(PrometheusTextParser.Parse(body, ModelServerScrape.Wanted, Limits), at);

        Assert.Equal((90.0, 10.0, 2.5, 3.0, 0.4), (sample.Success, sample.Failure, sample.RequestSeconds, sample.InFlight, sample.BusyRatio));
        Assert.Equal(0.6, sample.GpuUtilization, 6);
        Assert.Equal(104, sample.Received);
        Assert.True(double.IsNaN(ModelServerScrape.ToSample(PrometheusTextParser.Parse("nv_inference_request_success 1\n", ModelServerScrape.Wanted, Limits), at).Received),
            "a server without the arrivals counter reads as NaN, not 0");
        Assert.Equal([0.01, 0.1, double.PositiveInfinity], sample.BucketBounds);
        Assert.Equal([50.0, 95.0, 100.0], sample.BucketCounts);
        Assert.False(sample.ModelReady);
        Assert.Equal("sha256 mismatch", sample.LoadFailure);
    }
}
