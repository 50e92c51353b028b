namespace KmsLab.Cli.Notebooks;

/// <summary>
/// Where the lessons are when <c>kmslab run</c> is given no path, or a lesson's name instead of a
/// path: <c>./notebooks</c> if the current folder has one (a source checkout, or a learner's copy made
/// by <c>kmslab lessons copy</c>), else the lessons bundled with the installed tool
/// (<see cref="BundledFolder"/>, packed by KmsLab.Cli.csproj).
/// </summary>
internal static class LessonLocator
{
    /// <summary>The lessons' folder in a checkout or a copy, relative to the current folder.</summary>
    public const string LocalFolder = "notebooks";

    /// <summary>The lessons the tool package carries: <c>lessons/notebooks</c> beside the tool's DLLs.</summary>
    public static string BundledFolder { get; } = Path.Combine(AppContext.BaseDirectory, "lessons", LocalFolder);

    /// <summary>A lessons folder, and whether it is the bundled one.</summary>
    internal sealed record LessonsFolder(string Path, bool Bundled);

    /// <summary>
    /// <paramref name="currentDirectory"/>'s <c>notebooks</c> folder if it has one, else
    /// <paramref name="bundledFolder"/> if it exists, else null.
    /// </summary>
    public static LessonsFolder? Find(string currentDirectory, string bundledFolder)
    {
        var local = Path.Combine(currentDirectory, LocalFolder);
        if (Directory.Exists(local)) return new LessonsFolder(local, false);
        return Directory.Exists(bundledFolder) ? new LessonsFolder(bundledFolder, true) : null;
    }

    /// <summary>
    /// The notebook in <paramref name="folder"/> that <paramref name="name"/> names: its file name
    /// (<c>03-encrypt-decrypt.ipynb</c>), without the extension, or its number (<c>03</c>, <c>3</c>);
    /// null if none or several do, or if <paramref name="name"/> is a path.
    /// </summary>
    public static string? Resolve(string name, string folder)
    {
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || !Directory.Exists(folder)) return null;
        var stem = name.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase) ? name[..^".ipynb".Length] : name;
        var notebooks = Directory.GetFiles(folder, "*.ipynb");
        var exact = notebooks.Where(f => string.Equals(Path.GetFileNameWithoutExtension(f), stem, StringComparison.OrdinalIgnoreCase)).ToList();
        if (exact.Count == 1) return exact[0];
        if (!int.TryParse(stem, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number)) return null;
        var numbered = notebooks.Where(f => Number(Path.GetFileName(f)) == number).ToList();
        return numbered.Count == 1 ? numbered[0] : null;
    }

    private static int? Number(string fileName)
    {
        int digits = fileName.TakeWhile(char.IsAsciiDigit).Count();
        return digits > 0 && digits < fileName.Length && fileName[digits] == '-' ? int.Parse(fileName[..digits], System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
