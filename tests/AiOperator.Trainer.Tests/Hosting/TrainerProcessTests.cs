using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using AiOperator.Testing;
using AiOperator.Trainer.Hosting;
using AiOperator.Trainer.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace AiOperator.Trainer.Tests.Hosting;

/// <summary>The executable as the kubelet runs it: real processes, a real rendezvous port, real kills and exit codes.</summary>
public sealed class TrainerProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_two_process_gang_writes_the_model_metrics_and_termination_message()
    {
        using var dir = new TempDirectory();
        var port = LoopbackPort.Free();
        // Rank 1 first: it must wait for rank 0 rather than fail. MASTER_ADDR is a name here, as in a
        // cluster: rank 1 resolves it, rank 0 listens on its pod address.
        using var rank1 = TrainerProcess.Start(Env(port, 1, dir, masterAddress: "localhost"));
        await rank1.WaitForLineAsync("rank 1 waiting for rank 0", Patience);
        using var rank0 = TrainerProcess.Start(new Dictionary<string, string>(Env(port, 0, dir, masterAddress: "localhost")) { ["AIOP_POD_IP"] = "127.0.0.1" });

        Assert.Equal(0, await rank0.ExitCodeAsync(Patience));
        Assert.Equal(0, await rank1.ExitCodeAsync(Patience));

        var model = await File.ReadAllBytesAsync(dir.File("out/model.onnx"));
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("termination-0")));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(model)), report.RootElement.GetProperty("sha256").GetString());
        Assert.Equal(new Uri(dir.File("out/model.onnx")).AbsoluteUri, report.RootElement.GetProperty("uri").GetString());
        using var metrics = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("out/metrics.json")));
        var accuracy = metrics.RootElement.GetProperty("accuracy").GetDouble();
        Assert.True(accuracy >= 0.9, $"accuracy {accuracy}");
        Assert.Equal(800, metrics.RootElement.GetProperty("steps").GetInt64());
        Assert.Equal(100, metrics.RootElement.GetProperty("epochs").GetInt32());
        Assert.Equal(metrics.RootElement.GetRawText(), report.RootElement.GetProperty("metrics").GetRawText());
        Assert.False(File.Exists(dir.File("termination-1")));   // only rank 0 reports
        Assert.Contains("rank 0 waiting for 1 peer(s) on 127.0.0.1:", rank0.Output, StringComparison.Ordinal);

        // What serving will see: the model in ONNX Runtime classifies validation.json with the reported accuracy.
        using var validation = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("out/validation.json")));
        var rows = validation.RootElement.GetProperty("input").EnumerateArray().Select(r => r.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();
        var labels = validation.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32()).ToArray();
        Assert.Equal(20, rows.Length);
        using var session = new InferenceSession(model);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(rows.SelectMany(r => r).ToArray(), [rows.Length, 2]))]);
        var p = results.Single(r => r.Name == "probabilities").AsTensor<float>();
        Assert.Equal(accuracy, Enumerable.Range(0, rows.Length).Count(i => (p[i, 1] > p[i, 0] ? 1 : 0) == labels[i]) / (double)rows.Length);

        // The same result a single process computes.
        var solo = await Gang.SoloAsync(epochs: 100);
        Assert.Equal(solo.ValidationAccuracy, accuracy);
        Assert.Equal(solo.ValidationLoss, metrics.RootElement.GetProperty("loss").GetDouble(), 1e-9);
    }

    [Fact]
    public async Task Killing_a_worker_breaks_the_gang_and_the_restarted_gang_resumes_from_the_checkpoint()
    {
        using var dir = new TempDirectory();
        var port = LoopbackPort.Free();
        using (var rank0 = TrainerProcess.Start(Env(port, 0, dir), "--step-delay-ms", "10", "--checkpoint-interval", "20"))
        using (var rank1 = TrainerProcess.Start(Env(port, 1, dir), "--step-delay-ms", "10", "--checkpoint-interval", "20"))
        {
            await rank0.WaitForLineAsync("checkpoint step 40 written", Patience);
            rank1.Kill();

            var clock = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(ExitCodes.GangBroken, await rank0.ExitCodeAsync(Patience));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"rank 0 took {clock.Elapsed} to notice");
            // closed or reset, depending on whether rank 0 was reading or writing when rank 1 died
            Assert.Matches("^gang broken, restart it: lost rank 1: connection (closed|reset)$", await File.ReadAllTextAsync(dir.File("termination-0")));
        }

        var saved = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("ckpt/aiop-trainer-checkpoint.json"))).RootElement.GetProperty("step").GetInt64();
        Assert.True(saved >= 40 && saved % 20 == 0, $"checkpoint step {saved}");

        // The controller recreates the whole gang on the same port; it must pick up at the checkpoint.
        using var again0 = TrainerProcess.Start(Env(port, 0, dir), "--checkpoint-interval", "20");
        using var again1 = TrainerProcess.Start(Env(port, 1, dir), "--checkpoint-interval", "20");
        Assert.Equal(0, await again0.ExitCodeAsync(Patience));
        Assert.Equal(0, await again1.ExitCodeAsync(Patience));
        var resumed = string.Create(CultureInfo.InvariantCulture, $"resumed from checkpoint step {saved} ");
        Assert.Contains("rank 0: " + resumed, again0.Output, StringComparison.Ordinal);
        Assert.Contains("rank 1: " + resumed, again1.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"checkpoint step {saved} written", again0.Output, StringComparison.Ordinal);
        Assert.Contains($"checkpoint step {saved + 20} written", again0.Output, StringComparison.Ordinal);

        var solo = await Gang.SoloAsync(epochs: 100);
        using var metrics = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("out/metrics.json")));
        Assert.Equal(solo.ValidationLoss, metrics.RootElement.GetProperty("loss").GetDouble(), 1e-9);
    }

    [Fact]
    public async Task A_worker_whose_rank_0_dies_exits_with_the_gang_broken_code()
    {
        using var dir = new TempDirectory();
        var port = LoopbackPort.Free();
        using var rank0 = TrainerProcess.Start(Env(port, 0, dir), "--step-delay-ms", "10");
        using var rank1 = TrainerProcess.Start(Env(port, 1, dir), "--step-delay-ms", "10");
        await rank0.WaitForLineAsync("checkpoint step 50 written", Patience);

        rank0.Kill();

        Assert.Equal(ExitCodes.GangBroken, await rank1.ExitCodeAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("aiop-trainer: gang broken, restart it: lost rank 0", rank1.Output, StringComparison.Ordinal);
        Assert.StartsWith("gang broken, restart it: lost rank 0", await File.ReadAllTextAsync(dir.File("termination-1")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_flags_and_variables_exit_2_naming_them()
    {
        using var dir = new TempDirectory();
        using var badFlag = TrainerProcess.Start(new Dictionary<string, string> { ["OUTPUT_PATH"] = dir.File("m.onnx"), ["TERMINATION_MESSAGE_PATH"] = dir.File("t") }, "--epochs", "lots");
        using var badEnv = TrainerProcess.Start(new Dictionary<string, string> { ["WORLD_SIZE"] = "2", ["RANK"] = "5", ["MASTER_ADDR"] = "127.0.0.1" });

        Assert.Equal(ExitCodes.BadConfiguration, await badFlag.ExitCodeAsync(Patience));
        Assert.Equal("aiop-trainer: --epochs 'lots' is invalid: expected an integer from 1 to 1000000", badFlag.Output.Trim());
        Assert.Equal("--epochs 'lots' is invalid: expected an integer from 1 to 1000000", await File.ReadAllTextAsync(dir.File("t")));
        Assert.Equal(ExitCodes.BadConfiguration, await badEnv.ExitCodeAsync(Patience));
        Assert.Contains("RANK 5 is out of range", badEnv.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_flags_and_the_gang_variables()
    {
        using var help = TrainerProcess.Start(new Dictionary<string, string>(), "--help");

        Assert.Equal(0, await help.ExitCodeAsync(Patience));
        foreach (var expected in new[] { "--epochs", "--seed", "--learning-rate", "--checkpoint-interval", "--output-path", "--termination-message-path", "WORLD_SIZE", "MASTER_ADDR", "LOCAL_WORLD_SIZE" })
        {
            Assert.Contains(expected, help.Output, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> Env(int port, int rank, TempDirectory dir, string masterAddress = "127.0.0.1") => new()
    {
        ["WORLD_SIZE"] = "2",
        ["RANK"] = rank.ToString(CultureInfo.InvariantCulture),
        ["MASTER_ADDR"] = masterAddress,
        ["MASTER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
        ["CHECKPOINT_DIR"] = dir.File("ckpt"),
        ["OUTPUT_PATH"] = dir.File("out/model.onnx"),
        ["TERMINATION_MESSAGE_PATH"] = dir.File($"termination-{rank}"),
        ["AIOP_PEER_TIMEOUT_SECONDS"] = "30",
        ["AIOP_RENDEZVOUS_TIMEOUT_SECONDS"] = "30",
    };
}
