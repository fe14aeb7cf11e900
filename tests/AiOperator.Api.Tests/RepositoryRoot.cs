namespace AiOperator.Api.Tests;

/// <summary>Finds the checkout's root (the folder holding AiOperator.sln) from the test's output folder.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AiOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AiOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
