namespace KmsLab.Persistence;

/// <summary>
/// The JSON state file of KmsLab releases before the SQLite database (<see cref="DatabaseStateStore"/>
/// is what <c>kmslab serve --state</c> uses now, and it migrates these files). Kept so that this
/// format can still be written — tests build the files that migration must read — and because its
/// whole-snapshot writes are the reference a database's rows are compared with.
/// <para>
/// Keeps one lab's world durable in a state file. <see cref="Open"/> takes the file for this
/// process alone (a second server on the same file is refused) and clears what a killed writer
/// left; <see cref="CommitAsync"/> returns once a snapshot that includes every change made before
/// the call is on disk. Concurrent callers share writes (group commit): while one snapshot is being
/// written the others wait, and the next write covers them all.
/// </para>
/// </summary>
internal sealed class StateStore : IDisposable
{
    private readonly StateFileLock _lock;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private Lab? _lab;
    private long _requested;
    private long _saved;
    private long _savedSpontaneousChanges;

    private StateStore(string path, StateFileLock lockFile)
    {
        Path = path;
        _lock = lockFile;
    }

    /// <summary>The state file's full path.</summary>
    public string Path { get; }

    /// <summary>How many snapshots this store has written.</summary>
    public long Writes { get; private set; }

    /// <summary>
    /// Takes the state file at <paramref name="path"/> for this process. Throws
    /// <see cref="IOException"/> if another process holds it.
    /// </summary>
    public static StateStore Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var lockFile = StateFileLock.Acquire(full);
        StateFile.RemoveLeftovers(full);
        return new StateStore(full, lockFile);
    }

    /// <summary>The saved snapshot, or null if the file does not exist yet.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a readable KmsLab state.</exception>
    public WorldSnapshot? ReadExisting() => File.Exists(Path) ? StateFile.Read(Path) : null;

    /// <summary>Starts keeping <paramref name="lab"/> durable and writes its state at once.</summary>
    public void Attach(Lab lab)
    {
        if (_lab is not null) throw new InvalidOperationException("A state store keeps one lab.");
        _lab = lab;
        Write(lab.Snapshot());
    }

    /// <summary>True if the clock made changes by itself (rotations, deletions) that are not saved yet.</summary>
    public bool HasUnsavedSpontaneousChanges => _lab is not null && _lab.World.SpontaneousChanges != Volatile.Read(ref _savedSpontaneousChanges);

    /// <summary>Returns once every change made to the world before this call is in the state file.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        var lab = _lab ?? throw new InvalidOperationException("Attach a lab first.");
        long ticket = Interlocked.Increment(ref _requested);
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _saved) >= ticket) return;
            // Every ticket up to here was taken after its change: the snapshot below includes them all.
            long covers = Volatile.Read(ref _requested);
            // Snapshot and fsync on the thread pool: the caller may be a server's I/O thread.
            await Task.Run(() => Write(lab.Snapshot()), CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _saved, covers);
        }
        finally
        {
            _writer.Release();
        }
    }

    private void Write(WorldSnapshot snapshot)
    {
        StateFile.WriteAtomically(Path, StateFile.Serialize(snapshot));
        Volatile.Write(ref _savedSpontaneousChanges, snapshot.SpontaneousChanges);
        Writes++;
    }

    public void Dispose()
    {
        _lock.Dispose();
        _writer.Dispose();
    }
}
