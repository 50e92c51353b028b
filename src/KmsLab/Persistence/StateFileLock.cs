namespace KmsLab.Persistence;

/// <summary>
/// A state file taken for one process: <c>FILE.lock</c>, opened for this process alone, so that a
/// second kmslab process on the same file (a second <c>kmslab serve</c>, an <c>xks-proxy create-key</c>
/// while the proxy runs) is refused instead of overwriting what the first one keeps.
/// </summary>
internal sealed class StateFileLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _lockPath;

    private StateFileLock(FileStream lockFile, string lockPath)
    {
        _lock = lockFile;
        _lockPath = lockPath;
    }

    /// <summary>Takes the state file at <paramref name="fullPath"/> (its folder must exist).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="IOException">Another process holds the file.</exception>
    public static StateFileLock Acquire(string fullPath)
    {
        var folder = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"The folder of the state file, '{folder}', does not exist.");
        var lockPath = fullPath + ".lock";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            return new StateFileLock(new FileStream(lockPath, options), lockPath);
        }
        catch (IOException e)
        {
            throw new IOException($"The state file '{fullPath}' is in use by another kmslab process (its lock file '{lockPath}' is held).", e);
        }
    }

    /// <summary>Releases the file, removing the lock file while still holding it: a process that opens it later creates a new one.</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(_lockPath);
        }
        catch (IOException)
        {
        }
        _lock.Dispose();
    }
}
