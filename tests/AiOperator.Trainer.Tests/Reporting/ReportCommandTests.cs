using System.Security.Cryptography;
using System.Text.Json;
using AiOperator.Trainer.Hosting;
using AiOperator.Trainer.Reporting;
using AiOperator.Trainer.Tests.Support;
using Xunit;

namespace AiOperator.Trainer.Tests.Reporting;

/// <summary>aiop-trainer report: what the output reader pod writes for a model on the claim.</summary>
public sealed class ReportCommandTests
{
    [Fact]
    public void Reports_the_sha256_of_the_model_and_the_numbers_of_metrics_json_beside_it()
    {
        using var dir = new TempDirectory();
        var model = new byte[] { 1, 2, 3, 4, 5 };
        File.WriteAllBytes(dir.File("model.onnx"), model);
        File.WriteAllText(dir.File("metrics.json"), """{"accuracy": 0.95, "loss": 0.1, "note": "text is skipped", "steps": 240}""");

        var code = Run(dir, "--output", dir.File("model.onnx"));

        Assert.Equal(ExitCodes.Success, code);
        using var report = JsonDocument.Parse(File.ReadAllText(dir.File("termination-log")));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(model)), report.RootElement.GetProperty("sha256").GetString());
        var metrics = report.RootElement.GetProperty("metrics");
        Assert.Equal(0.95, metrics.GetProperty("accuracy").GetDouble());
        Assert.Equal(240, metrics.GetProperty("steps").GetDouble());
        Assert.False(metrics.TryGetProperty("note", out _));
        Assert.Equal(5, report.RootElement.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public void Without_metrics_json_only_the_sha256_is_reported()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("model.onnx"), [9]);

        Assert.Equal(ExitCodes.Success, Run(dir, "--output=" + dir.File("model.onnx")));

        using var report = JsonDocument.Parse(File.ReadAllText(dir.File("termination-log")));
        Assert.Equal(64, report.RootElement.GetProperty("sha256").GetString()!.Length);
        Assert.False(report.RootElement.TryGetProperty("metrics", out _));
    }

    [Fact]
    public void A_missing_model_exits_1_and_the_reason_names_the_file()
    {
        using var dir = new TempDirectory();

        Assert.Equal(ExitCodes.IoFailure, Run(dir, "--output", dir.File("nope/model.onnx")));

        Assert.Equal($"model file {dir.File("nope/model.onnx")} does not exist", File.ReadAllText(dir.File("termination-log")));
    }

    [Theory]
    [InlineData("[1, 2]", "is not a JSON object of metrics")]
    [InlineData("{\"accuracy\": ", "is not valid JSON")]
    public void Bad_metrics_json_exits_1_naming_it(string metrics, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("model.onnx"), [9]);
        File.WriteAllText(dir.File("metrics.json"), metrics);

        Assert.Equal(ExitCodes.IoFailure, Run(dir, "--output", dir.File("model.onnx")));

        var reason = File.ReadAllText(dir.File("termination-log"));
        Assert.Contains(dir.File("metrics.json"), reason, StringComparison.Ordinal);
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Metrics_json_over_the_size_limit_is_refused_before_reading()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("model.onnx"), [9]);
        File.WriteAllText(dir.File("metrics.json"), "{\"a\": 1," + new string(' ', OutputReport.MaxMetricsBytes) + "}");

        Assert.Equal(ExitCodes.IoFailure, Run(dir, "--output", dir.File("model.onnx")));

        Assert.Contains("more than the 65536 allowed", File.ReadAllText(dir.File("termination-log")), StringComparison.Ordinal);
    }

    [Fact]
    public void Metrics_that_do_not_fit_the_termination_message_are_refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("model.onnx"), [9]);
        var names = Enumerable.Range(0, 60).Select(i => $"\"{new string('m', 100)}{i}\": {i}");
        File.WriteAllText(dir.File("metrics.json"), "{" + string.Join(",", names) + "}");

        Assert.Equal(ExitCodes.IoFailure, Run(dir, "--output", dir.File("model.onnx")));

        Assert.Contains("does not fit the 4096-byte termination message", File.ReadAllText(dir.File("termination-log")), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_output_or_with_an_unknown_flag_it_exits_2()
    {
        using var dir = new TempDirectory();

        Assert.Equal(ExitCodes.BadConfiguration, Run(dir));
        Assert.Contains("--output", File.ReadAllText(dir.File("termination-log")), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadConfiguration, Run(dir, "--epochs", "3"));
        Assert.Contains("unknown argument '--epochs'", File.ReadAllText(dir.File("termination-log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_built_binary_runs_it_as_a_subcommand()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("model.onnx"), [7, 7]);
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aiop-trainer.dll"));
        foreach (var arg in new[] { "report", "--output", dir.File("model.onnx") })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["AIOP_TERMINATION_LOG"] = dir.File("termination-log");
        using var process = System.Diagnostics.Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(0, process.ExitCode);
        using var report = JsonDocument.Parse(File.ReadAllText(dir.File("termination-log")));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 7, 7 })), report.RootElement.GetProperty("sha256").GetString());
    }

    private static int Run(TempDirectory dir, params string[] args) =>
        ReportCommand.Run(args, new Dictionary<string, string> { ["AIOP_TERMINATION_LOG"] = dir.File("termination-log") }, TextWriter.Null);
}
