namespace AiOperator.Cli.Commands;

/// <summary>Finds the project's own build outputs in the checkout aiop runs from, so `aiop local` needs no paths.</summary>
internal static class LocalBuilds
{
    public static string? Find(string projectFolder, string dllName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "AiOperator.sln")))
            {
                continue;
            }

            // Newest build wins, Debug or Release.
            var bin = new DirectoryInfo(Path.Combine(dir.FullName, projectFolder, "bin"));
            return bin.Exists
                ? bin.EnumerateFiles(dllName, SearchOption.AllDirectories).OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault()?.DirectoryName
                : null;
        }

        return null;
    }
}
