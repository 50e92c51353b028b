using KmsLab.Persistence;

namespace KmsLab.Hosting;

/// <summary>
/// A simulated lab kept durable in a state file across restarts: keys with all their key material,
/// aliases, tags, policies, grants, lab users and the clock. <see cref="Open"/> takes the file for
/// this process alone and loads the lab it holds (or starts an empty one); a host calls
/// <see cref="CommitAsync"/> before answering a request that <see cref="MustCommitAfter"/> names,
/// so that no change it reports can be lost. Created readable by the user only.
/// </summary>
public sealed class LabStateFile : IDisposable
{
    private LabStateFile(StateStore store, Lab lab)
    {
        Store = store;
        Lab = lab;
    }

    /// <summary>The lab whose world is kept in the file.</summary>
    public Lab Lab { get; }

    /// <summary>The state file's full path.</summary>
    public string Path => Store.Path;

    internal StateStore Store { get; }

    /// <summary>
    /// Takes the state file at <paramref name="path"/> for this process and loads the lab saved in
    /// it, or, if the file does not exist yet, a fresh simulated lab (saved at once).
    /// </summary>
    /// <param name="path">The state file; its folder must exist.</param>
    /// <param name="options">Settings of the lab (a saved lab keeps its own account IDs).</param>
    /// <exception cref="IOException">Another process holds the file, or it cannot be written.</exception>
    /// <exception cref="InvalidDataException">The file exists but is not a readable, consistent KmsLab state.</exception>
    public static LabStateFile Open(string path, LabOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var store = StateStore.Open(path);
        try
        {
            var saved = store.ReadExisting();
            var lab = saved is null ? Lab.Simulator(options) : Lab.Restore(saved, options);
            store.Attach(lab);
            return new LabStateFile(store, lab);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True if the answer to a request with this <c>X-Amz-Target</c> must wait for
    /// <see cref="CommitAsync"/>: the operation may change state, or the clock changed the world by
    /// itself (a rotation, a deletion) since the last write.
    /// </summary>
    public bool MustCommitAfter(string? amzTarget) => SimulatorEndpoint.MayChangeState(amzTarget) || Store.HasUnsavedSpontaneousChanges;

    /// <summary>Returns once every change made to the lab before this call is in the state file (concurrent callers share writes).</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public Task CommitAsync(CancellationToken cancellationToken = default) => Store.CommitAsync(cancellationToken);

    /// <summary>Releases the file for other processes.</summary>
    public void Dispose() => Store.Dispose();
}
