using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AiOperator.Cli.Samples;

namespace AiOperator.Cli.Tests.Walkthrough;

public sealed class SampleModelsTests
{
    [Fact]
    public void The_cpu_sample_pins_the_digest_of_the_generated_mlp()
    {
        var sample = File.ReadAllText(Path.Combine(Checkout.Root, "config", "samples", "aioperator_v1alpha1_modeldeployment_cpu.yaml"));
        var pinned = Regex.Match(sample, @"sha256: (?<h>[0-9a-f]{64})").Groups["h"].Value;

        var actual = Convert.ToHexStringLower(SHA256.HashData(SampleModels.GeneratedMlp()));
        Assert.True(pinned == actual, $"the CPU sample pins sha256 {pinned}, the generated MLP has {actual}");
    }

    [Fact]
    public void Every_pvc_uri_of_the_samples_is_a_seeded_model()
    {
        var seeded = SampleModels.All.Select(m => m.RelativePath).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(Checkout.Root, "config", "samples"), "aioperator_*modeldeployment*.yaml"))
        {
            var text = File.ReadAllText(file);
            var ns = Regex.Match(text, @"(?m)^  namespace: (?<ns>\S+)").Groups["ns"].Value;
            foreach (Match uri in Regex.Matches(text, @"pvc://(?<claim>[^/\s]+)/(?<path>[^\s,)]+)"))
            {
                Assert.Contains($"{ns}/{uri.Groups["claim"].Value}/{uri.Groups["path"].Value}", seeded);
            }
        }
    }

    [Fact]
    public void Seeding_writes_each_model_once_and_keeps_what_is_there()
    {
        var root = Directory.CreateTempSubdirectory("aiop-seed-").FullName;
        try
        {
            var fake = Path.Combine(root, "ResNet18.onnx");
            File.WriteAllBytes(fake, [1, 2, 3]);
            var mine = Path.Combine(root, "pvcs", "vision", "models", "resnet18", "4", "model.onnx");
            Directory.CreateDirectory(Path.GetDirectoryName(mine)!);
            File.WriteAllBytes(mine, [9]);

            var written = SampleModels.Seed(Path.Combine(root, "pvcs"), fake);

            Assert.Equal(SampleModels.All.Count - 1, written.Count);
            Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(root, "pvcs", "vision", "models", "resnet18", "3", "model.onnx")));
            Assert.Equal([9], File.ReadAllBytes(mine));
            Assert.Equal(SampleModels.GeneratedMlp(), File.ReadAllBytes(Path.Combine(root, "pvcs", "tabular", "models", "mlp", "1", "model.onnx")));
            Assert.Empty(SampleModels.Seed(Path.Combine(root, "pvcs"), fake));
            Assert.Empty(Directory.GetFiles(root, "*.partial", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
