using AiOperator.Trainer.Export;
using AiOperator.Trainer.Network;

namespace AiOperator.Cli.Samples;

/// <summary>
/// The models config/samples names, written into the local cluster's claim folders
/// (&lt;state&gt;/pvcs/&lt;namespace&gt;/&lt;claim&gt;) by `aiop local --samples`: ResNet18 from the NuGet package the
/// build copied next to aiop, and a generated MLP. Nothing is downloaded.
/// </summary>
internal static class SampleModels
{
    /// <summary>Where the build puts the package's ResNet18 (the CopySampleModels target of AiOperator.Cli.csproj).</summary>
    public static string ResNet18Source => Path.Combine(AppContext.BaseDirectory, "samples", "ResNet18.onnx");

    // Fixed weights so the file, and with it the digest the CPU sample pins, never changes.
    private const int MlpSeed = 7;

    /// <summary>The sample's MLP (untrained, deterministic): same graph as aiop-trainer writes.</summary>
    public static byte[] GeneratedMlp() => OnnxExport.Build(Mlp.Initialize(MlpSeed), step: 0);

    /// <summary>Files relative to the pvcs root, each with how to produce it.</summary>
    public static IReadOnlyList<SampleModel> All { get; } =
    [
        // The canary sample's second version is the same network: rolling it out shows the steps, not new weights.
        new("vision/models/resnet18/3/model.onnx", CopyResNet18),
        new("vision/models/resnet18/4/model.onnx", CopyResNet18),
        new("tabular/models/mlp/1/model.onnx", (path, _) => File.WriteAllBytes(path, GeneratedMlp())),
    ];

    /// <summary>Writes every sample model under pvcRoot, leaving files that are already there; returns the paths written.</summary>
    public static IReadOnlyList<string> Seed(string pvcRoot) => Seed(pvcRoot, ResNet18Source);

    public static IReadOnlyList<string> Seed(string pvcRoot, string resNet18)
    {
        if (!File.Exists(resNet18))
        {
            throw new FileNotFoundException($"ResNet18.onnx is not next to aiop ({resNet18}): build operator/src/AiOperator.Cli so the Microsoft.ML.DnnImageFeaturizer.ResNet18 package is restored and copied", resNet18);
        }

        var written = new List<string>();
        foreach (var model in All)
        {
            var path = Path.Combine(pvcRoot, model.RelativePath);
            if (File.Exists(path))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // Written beside, then renamed: a model server starting meanwhile never reads half a file.
            var partial = path + ".partial";
            model.Write(partial, resNet18);
            File.Move(partial, path, overwrite: true);
            written.Add(path);
        }

        return written;
    }

    private static void CopyResNet18(string path, string resNet18) => File.Copy(resNet18, path, overwrite: true);
}
