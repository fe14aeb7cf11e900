namespace AiOperator.LocalCluster.Simulation;

// The project's own images, run as local processes by `aiop local`: the model server and the
// example trainer, each found through a folder (or the .dll itself) given by option or env var.
public static class ProjectImages
{
    public const string ModelServerRepository = "ghcr.io/aioperator/model-server";
    public const string TrainerRepository = "ghcr.io/aioperator/trainer";
    public const string ModelServerPathVariable = "AIOP_MODEL_SERVER_PATH";
    public const string TrainerPathVariable = "AIOP_TRAINER_PATH";

    public static IReadOnlyDictionary<string, ProcessImage> Resolve(string? modelServerPath, string? trainerPath) => new Dictionary<string, ProcessImage>(StringComparer.Ordinal)
    {
        [ModelServerRepository] = Image(modelServerPath, "aiop-model-server.dll", "--model-server-path", ModelServerPathVariable),
        [TrainerRepository] = Image(trainerPath, "aiop-trainer.dll", "--trainer-path", TrainerPathVariable),
    };

    // A missing path is not fatal: pods of that image stay Waiting and say what to set.
    public static ProcessImage Image(string? path, string dllName, string option, string variable)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return ProcessImage.Missing($"no local build for this image: pass {option} or set {variable} to the folder holding {dllName}");
        }

        var dll = path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? path : Path.Combine(path, dllName);
        dll = Path.GetFullPath(dll);
        return File.Exists(dll)
            ? new ProcessImage("dotnet", [dll])
            : ProcessImage.Missing($"{dll} does not exist: check {option} / {variable}");
    }
}
