using AiOperator.LocalCluster;
using AiOperator.LocalCluster.Simulation;

namespace AiOperator.Testing;

/// <summary>Where this checkout and the project's own builds are, seen from a test's output folder.</summary>
public static class ProjectBuilds
{
    /// <summary>The folder holding AiOperator.sln above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AiOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("AiOperator.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// The model server this test run built (the test's own configuration, Debug or Release), which the
    /// test project builds first; fails naming the folder when it is not there.
    /// </summary>
    public static string ModelServer()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dir = Path.Combine(RepositoryRoot(), "runtime-image", "src", "AiOperator.ModelServer", "bin", configuration, "net10.0");
        if (!File.Exists(Path.Combine(dir, "aiop-model-server.dll")))
        {
            throw new FileNotFoundException($"aiop-model-server.dll not built at {dir}");
        }

        return dir;
    }

    /// <summary>Process images for a local cluster whose kubelet runs that model server for its image.</summary>
    public static IReadOnlyDictionary<string, ProcessImage> ModelServerImages() => ProjectImages.Resolve(ModelServer(), trainerPath: null);
}
