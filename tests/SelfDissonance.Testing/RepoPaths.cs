namespace SelfDissonance.Testing;

/// <summary>Paths inside the repository, found from the test binaries so tests run from any working directory.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Azurite with its Blob, Queue and Table services in one process.</summary>
    public static string Azurite => Path.Combine(Root, "tools", "azurite", "node_modules", ".bin", "azurite");


    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SelfDissonance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"SelfDissonance.sln not found above {AppContext.BaseDirectory}.");
    }
}
