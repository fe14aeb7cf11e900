using System.Security.Cryptography;
using System.Text.Json;
using AiOperator.Trainer.Export;
using AiOperator.Trainer.Tests.Support;
using Xunit;

namespace AiOperator.Trainer.Tests.Export;

public sealed class ModelOutputTests
{
    [Fact]
    public void Writes_the_model_and_metrics_json_beside_it_and_reports_the_files_sha256()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "resnet", "4", "model.onnx");   // folders that do not exist yet
        byte[] model = [1, 2, 3, 4];

        var report = ModelOutput.Write(path, model, new ModelMetrics(0.95, 0.12, 100, 800), new ValidationSet([[0.5, -1.25], [2, 3]], [0, 1]));

        Assert.Equal(model, File.ReadAllBytes(path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(model)), report.Sha256);
        Assert.Equal(new Uri(path).AbsoluteUri, report.Uri);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "resnet", "4", "metrics.json")));
        Assert.Equal(0.95, metrics.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal(0.12, metrics.RootElement.GetProperty("loss").GetDouble());
        Assert.Equal(100, metrics.RootElement.GetProperty("epochs").GetInt32());
        Assert.Equal(800, metrics.RootElement.GetProperty("steps").GetInt64());
        using var validation = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "resnet", "4", "validation.json")));
        Assert.Equal("[[0.5,-1.25],[2,3]]", validation.RootElement.GetProperty("input").GetRawText());
        Assert.Equal("[0,1]", validation.RootElement.GetProperty("labels").GetRawText());
        Assert.Equal(["metrics.json", "model.onnx", "validation.json"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void The_termination_message_is_json_within_4_KiB()
    {
        var report = new TerminationReport(new string('a', 64), "file:///models/m.onnx", 560, new ModelMetrics(1, 0.05, 100, 800));

        var bytes = TerminationMessage.Encode(report);

        Assert.InRange(bytes.Length, 1, TerminationMessage.MaxBytes);
        using var json = JsonDocument.Parse(bytes);
        Assert.Equal(new string('a', 64), json.RootElement.GetProperty("sha256").GetString());
        Assert.Equal("file:///models/m.onnx", json.RootElement.GetProperty("uri").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("metrics").GetProperty("accuracy").GetDouble());
        Assert.Equal(800, json.RootElement.GetProperty("metrics").GetProperty("steps").GetInt64());
    }

    [Fact]
    public void The_default_path_is_only_written_where_kubernetes_created_it()
    {
        using var dir = new TempDirectory();
        var absent = dir.File("termination-log");

        Assert.False(TerminationMessage.TryWrite(absent, explicitPath: false, [1]));
        Assert.False(File.Exists(absent));
        Assert.True(TerminationMessage.TryWrite(absent, explicitPath: true, [1]));
        Assert.True(TerminationMessage.TryWrite(absent, explicitPath: false, [2]));
        Assert.Equal([2], File.ReadAllBytes(absent));
        Assert.False(TerminationMessage.TryWrite(dir.File("no/such/folder/log"), explicitPath: true, [1]));
    }
}
