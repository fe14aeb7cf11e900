using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.TrainingJobs;
using static AiOperator.Operator.Tests.TrainingJobs.TrainingJobFixtures;

namespace AiOperator.Operator.Tests.TrainingJobs;

public sealed class OutputReaderDecisionTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset Since = Now.AddSeconds(-10);

    [Fact]
    public void No_reader_and_nothing_recorded_creates_it_and_looks_again_when_the_timeout_is_due()
    {
        var outcome = OutputReaderDecision.Decide(null, null, Since, Now);
        Assert.Equal(OutputReaderStep.Create, outcome.Step);
        Assert.Equal(OutputReaderDecision.Timeout - TimeSpan.FromSeconds(10), outcome.RequeueAfter);
    }

    [Theory]
    [InlineData("Pending", false)]
    [InlineData("Running", false)]
    [InlineData("Succeeded", true)]
    [InlineData("Failed", true)]
    public void A_reader_pending_running_or_deleted_before_it_reported_is_waited_for(string phase, bool terminating)
    {
        var outcome = OutputReaderDecision.Decide(null, Reader(phase) with { Terminating = terminating }, Since, Now);
        Assert.Equal(OutputReaderStep.Wait, outcome.Step);
    }

    [Fact]
    public void A_report_is_recorded_then_the_pod_waited_out_then_the_job_succeeds()
    {
        var report = "{\"sha256\":\"" + Sha.ToUpperInvariant() + "\",\"metrics\":{\"accuracy\":0.9,\"name\":\"x\"}}";
        var record = OutputReaderDecision.Decide(null, Reader("Succeeded", report), Since, Now);
        Assert.Equal(OutputReaderStep.Record, record.Step);
        Assert.Equal(Sha, record.Report!.Sha256);
        Assert.Equal(new Dictionary<string, double> { ["accuracy"] = 0.9 }, record.Report.Metrics);

        var recorded = new OutputModel { Uri = "pvc://models/m.onnx", Sha256 = Sha, Metrics = new Dictionary<string, double> { ["accuracy"] = 0.9 } };
        Assert.Equal(OutputReaderStep.Record, OutputReaderDecision.Decide(recorded, Reader("Succeeded", report), Since, Now).Step);
        Assert.Equal(OutputReaderStep.WaitGone, OutputReaderDecision.Decide(recorded, Reader("Succeeded", report) with { Terminating = true }, Since, Now).Step);
        Assert.Equal(OutputReaderStep.Succeed, OutputReaderDecision.Decide(recorded, null, Since, Now.AddHours(1)).Step);
    }

    [Theory]
    [InlineData(null, "output reader pod ft-output-reader left no termination message")]
    [InlineData("not json", "output reader pod ft-output-reader's termination message is not the JSON report")]
    [InlineData("{\"metrics\":{\"accuracy\":1}}", "output reader pod ft-output-reader reported no sha256")]
    public void A_reader_that_succeeds_without_a_usable_report_fails_the_job(string? message, string expected)
    {
        var outcome = OutputReaderDecision.Decide(null, Reader("Succeeded", message), Since, Now);
        Assert.Equal((OutputReaderStep.Fail, expected), (outcome.Step, outcome.Failure));
    }

    [Fact]
    public void A_failed_reader_fails_the_job_with_its_reason_on_one_bounded_line()
    {
        var outcome = OutputReaderDecision.Decide(null, Reader("Failed", "line one\nline two" + new string('x', 2000)) with { ExitCode = 1 }, Since, Now);
        Assert.Equal(OutputReaderStep.Fail, outcome.Step);
        Assert.StartsWith("output reader pod ft-output-reader failed (exit code 1): line one line two", outcome.Failure, StringComparison.Ordinal);
        Assert.True(outcome.Failure!.Length < 700);
    }

    [Fact]
    public void A_reader_not_done_within_the_timeout_fails_the_job_and_says_why()
    {
        var late = Since + OutputReaderDecision.Timeout;
        var unschedulable = OutputReaderDecision.Decide(null, Reader("Pending") with { UnschedulableMessage = "0/3 nodes are available: 3 Insufficient cpu." }, Since, late);
        Assert.Equal(OutputReaderStep.Fail, unschedulable.Step);
        Assert.Equal("the output was not read within 300s: output reader pod ft-output-reader was not scheduled: 0/3 nodes are available: 3 Insufficient cpu.", unschedulable.Failure);

        Assert.Equal("the output was not read within 300s: no output reader pod could be created", OutputReaderDecision.Decide(null, null, Since, late).Failure);
        Assert.Equal("the output was not read within 300s: output reader pod ft-output-reader is still Running", OutputReaderDecision.Decide(null, Reader("Running"), Since, late).Failure);
    }

    private static OutputReaderState Reader(string phase, string? message = null) => new()
    {
        Name = "ft-output-reader",
        Phase = phase,
        TerminationMessage = message,
        CreatedAt = Now.UtcDateTime.AddSeconds(-5),
    };
}
