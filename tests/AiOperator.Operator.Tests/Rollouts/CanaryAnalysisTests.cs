using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Rollouts;

namespace AiOperator.Operator.Tests.Rollouts;

public sealed class CanaryAnalysisTests
{
    private static readonly AnalysisSpec Spec = new() { MaxErrorRate = 0.01, MaxLatencyP95Ms = 250, MinRequests = 50 };

    [Fact]
    public void Within_thresholds_passes_with_the_figures() =>
        Assert.Equal(new AnalysisVerdict(AnalysisResult.Passed, "error rate 0.002 <= 0.01, p95 latency 20ms <= 250ms over 300 requests"),
            CanaryAnalysis.Evaluate(Spec, RolloutSimulation.Metrics(300, 0.002)));

    [Fact]
    public void Error_rate_and_latency_above_thresholds_fail_with_both_measured_values()
    {
        var verdict = CanaryAnalysis.Evaluate(Spec, RolloutSimulation.Metrics(300, 0.31, p95: 400));
        Assert.Equal(AnalysisResult.Failed, verdict.Result);
        Assert.Equal("error rate 0.31 > 0.01, p95 latency 400ms > 250ms", verdict.Message);
    }

    [Theory]
    [InlineData(49, 0.5, 20)]
    [InlineData(double.NaN, 0.5, 20)]
    [InlineData(300, double.NaN, 20)]
    [InlineData(300, 0.0, double.NaN)]
    public void Too_few_requests_or_nan_figures_are_inconclusive(double requests, double errorRate, double p95) =>
        Assert.Equal(AnalysisResult.Inconclusive, CanaryAnalysis.Evaluate(Spec, RolloutSimulation.Metrics(requests, errorRate, p95)).Result);

    [Fact]
    public void No_window_at_all_is_inconclusive() =>
        Assert.Equal(AnalysisResult.Inconclusive, CanaryAnalysis.Evaluate(Spec, null).Result);

    [Fact]
    public void Latency_is_not_judged_without_a_threshold() =>
        Assert.Equal(AnalysisResult.Passed, CanaryAnalysis.Evaluate(new AnalysisSpec(), RolloutSimulation.Metrics(300, 0.0, double.NaN)).Result);

    [Fact]
    public void Min_requests_zero_with_no_traffic_passes() =>
        Assert.Equal(AnalysisResult.Passed, CanaryAnalysis.Evaluate(new AnalysisSpec { MinRequests = 0 }, RolloutSimulation.Metrics(0, double.NaN, double.NaN)).Result);

    [Fact]
    public void Summary_leaves_out_unknown_figures()
    {
        var summary = CanaryAnalysis.Summary(RolloutSimulation.Metrics(300, double.NaN));
        Assert.Null(summary.ErrorRate);
        Assert.Equal(10, summary.RequestsPerSecond);
    }
}
