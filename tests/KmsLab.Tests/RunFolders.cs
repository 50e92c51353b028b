namespace KmsLab.Tests;

/// <summary>
/// Folders that a test run shares between its tests (every lesson executed once by the runner, the
/// Jupyter kernel, the stdio kernel): made on first use, removed when the test process exits, so
/// runs leave nothing behind in the temporary folder.
/// </summary>
internal static class RunFolders
{
    private static readonly List<string> Made = [];

    static RunFolders() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        lock (Made)
        {
            foreach (var dir in Made)
            {
                try { Directory.Delete(dir, recursive: true); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
        }
    };

    /// <summary>A new folder <c>kmslab-&lt;purpose&gt;-xxxxxxxx</c> in the temporary folder, removed at exit.</summary>
    public static string Create(string purpose)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"kmslab-{purpose}-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        lock (Made) Made.Add(dir);
        return dir;
    }
}
