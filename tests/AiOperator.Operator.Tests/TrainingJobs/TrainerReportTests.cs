using AiOperator.Operator.TrainingJobs;

namespace AiOperator.Operator.Tests.TrainingJobs;

public sealed class TrainerReportTests
{
    private const string Sha = "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

    [Fact]
    public void Reads_sha256_and_numeric_metrics()
    {
        var report = TrainerReport.Parse("{\"sha256\":\"" + Sha + "\",\"metrics\":{\"accuracy\":0.95,\"epochs\":30,\"note\":\"x\",\"bad\":null}}", out _);
        Assert.NotNull(report);
        Assert.Equal(Sha.ToLowerInvariant(), report.Sha256);
        Assert.Equal(new Dictionary<string, double> { ["accuracy"] = 0.95, ["epochs"] = 30 }, report.Metrics);
    }

    [Theory]
    [InlineData(null, "no termination message")]
    [InlineData("Traceback (most recent call last):\n  File ...", "not the JSON report")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"sha256":"abc"}""", "not 64 hex digits")]
    [InlineData("""{"metrics":[1]}""", "not a JSON object")]
    [InlineData("""{"other":1}""", "neither sha256 nor metrics")]
    public void Anything_else_is_no_report_with_a_reason_that_does_not_quote_it(string? message, string expected)
    {
        Assert.Null(TrainerReport.Parse(message, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Traceback", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_messages_are_refused_before_parsing() =>
        Assert.Null(TrainerReport.Parse("{\"metrics\":{" + new string(' ', 5000) + "}}", out _));
}
