namespace KmsLab.Tests.Lessons;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Notebooks => Path.Combine(Root, "notebooks");

    public static IEnumerable<string> LessonFiles => Directory.GetFiles(Notebooks, "*.ipynb").Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KmsLab.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("The repository root (KmsLab.sln) was not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// Notebook runs change the process's current directory and the notebook formatters: they run
/// alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookCollection
{
    public const string Name = "Notebooks (process-wide state)";
}
