namespace AiOperator.Cli.Tests.Walkthrough;

/// <summary>The checkout these tests run from and the aiop build of the same configuration.</summary>
internal static class Checkout
{
    public static string Root { get; } = FindRoot();

    // bin/<Configuration>/net10.0: the tests run the aiop of the configuration they were built in.
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string AiopDll => Path.Combine(Root, "operator", "src", "AiOperator.Cli", "bin", Configuration, "net10.0", "aiop.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AiOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("AiOperator.sln not found above the test binaries");
    }
}
