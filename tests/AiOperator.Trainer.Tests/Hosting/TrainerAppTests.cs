using System.Text.Json;
using AiOperator.Trainer.Configuration;
using AiOperator.Trainer.Hosting;
using AiOperator.Trainer.Tests.Support;
using Xunit;

namespace AiOperator.Trainer.Tests.Hosting;

/// <summary>From options to exit code in-process: what lands on disk and in the termination message.</summary>
public sealed class TrainerAppTests
{
    [Fact]
    public async Task A_solo_run_writes_model_metrics_and_report_and_exits_0()
    {
        using var dir = new TempDirectory();
        var options = Options(dir);
        var log = new LineLog();

        Assert.Equal(ExitCodes.Success, await TrainerApp.RunAsync(options, log, TimeProvider.System, default));

        Assert.True(File.Exists(dir.File("out/model.onnx")));
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("termination-log")));
        Assert.Equal(40, report.RootElement.GetProperty("metrics").GetProperty("steps").GetInt64());
        Assert.Contains(log.Lines, l => l.StartsWith("model written to ", StringComparison.Ordinal));
        Assert.Contains("checkpoint step 40 written", log.Lines);
    }

    [Fact]
    public async Task A_checkpoint_from_other_settings_exits_2_and_says_why()
    {
        using var dir = new TempDirectory();
        Assert.Equal(ExitCodes.Success, await TrainerApp.RunAsync(Options(dir), TextWriter.Null, TimeProvider.System, default));

        var code = await TrainerApp.RunAsync(Options(dir) with { Seed = 2 }, TextWriter.Null, TimeProvider.System, default);

        Assert.Equal(ExitCodes.BadConfiguration, code);
        Assert.Contains("was written with --seed 1, this run has 2", await File.ReadAllTextAsync(dir.File("termination-log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_output_path_that_cannot_be_written_exits_1()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("a-file"), "");

        var code = await TrainerApp.RunAsync(Options(dir) with { OutputPath = dir.File("a-file/model.onnx") }, TextWriter.Null, TimeProvider.System, default);

        Assert.Equal(ExitCodes.IoFailure, code);
        Assert.False(string.IsNullOrEmpty(await File.ReadAllTextAsync(dir.File("termination-log"))));
    }

    private static TrainerOptions Options(TempDirectory dir) => new()
    {
        Epochs = 5,
        CheckpointInterval = 20,
        CheckpointDirectory = dir.File("ckpt"),
        OutputPath = dir.File("out/model.onnx"),
        TerminationMessagePath = dir.File("termination-log"),
        TerminationMessagePathExplicit = true,
    };
}
