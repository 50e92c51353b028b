using KmsLab.Persistence;

namespace KmsLab.Hosting;

/// <summary>
/// A simulated lab kept durable in a state file across restarts: keys with all their key material,
/// aliases, tags, policies, grants, lab users, the clock and the audit trail. <see cref="Open"/>
/// takes the file for this process alone and loads the lab it holds (or starts an empty one); a
/// host calls <see cref="CommitAsync"/> before answering a request that <see cref="MustCommitAfter"/>
/// names, so that no change it reports can be lost. The file is a SQLite database, readable by the
/// user only; a JSON state file of an earlier KmsLab is migrated into one on open and kept beside
/// as <c>FILE.json.bak</c>.
/// </summary>
public sealed class LabStateFile : IDisposable
{
    private LabStateFile(DatabaseStateStore store, Lab lab)
    {
        Store = store;
        Lab = lab;
    }

    /// <summary>The lab whose world is kept in the file.</summary>
    public Lab Lab { get; }

    /// <summary>The state file's full path.</summary>
    public string Path => Store.Path;

    /// <summary>Where the JSON state file migrated on open was kept (<c>FILE.json.bak</c>); null if the file was not a JSON state.</summary>
    public string? MigratedJsonBackup => Store.MigratedFrom;

    internal DatabaseStateStore Store { get; }

    /// <summary>
    /// Takes the state file at <paramref name="path"/> for this process and loads the lab saved in
    /// it, or, if the file does not exist yet, a fresh simulated lab (saved at once).
    /// </summary>
    /// <param name="path">The state file; its folder must exist.</param>
    /// <param name="options">Settings of the lab (a saved lab keeps its own account IDs); <see cref="LabOptions.AuditRetention"/> bounds the audit trail kept in the file.</param>
    /// <exception cref="IOException">Another process holds the file, or it cannot be written.</exception>
    /// <exception cref="InvalidDataException">The file exists but is not a readable, consistent KmsLab state, or is from a newer KmsLab; it is left as it was.</exception>
    public static LabStateFile Open(string path, LabOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        // The lab built here is in memory; this file is what keeps it (not a second one).
        options = (options ?? new LabOptions()) with { StateFile = null };
        var store = DatabaseStateStore.Open(path, options.AuditRetention);
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
    /// Writes the audit trail a state file keeps as CloudTrail records (one JSON object a line, oldest
    /// first), for <c>kmslab audit export</c>. Reads the file without taking it: meant for a stopped
    /// server's file (a running server's shows what it had committed).
    /// </summary>
    /// <returns>How many events were written.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a KmsLab state database (or is from a newer KmsLab).</exception>
    public static long ExportAudit(string path, TextWriter output)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(output);
        return DatabaseStateStore.ExportAudit(path, output);
    }

    /// <summary>
    /// True if the answer to a request with this <c>X-Amz-Target</c> must wait for
    /// <see cref="CommitAsync"/>: the operation may change state, or the clock changed the world by
    /// itself (a rotation, a deletion) since the last write.
    /// </summary>
    public bool MustCommitAfter(string? amzTarget) => SimulatorEndpoint.MayChangeState(amzTarget) || Store.HasUnsavedSpontaneousChanges;

    /// <summary>Returns once every change made to the lab before this call is in the state file (concurrent callers share one transaction).</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public Task CommitAsync(CancellationToken cancellationToken = default) => Store.CommitAsync(cancellationToken);

    /// <summary>As <see cref="CommitAsync"/>, blocking: for the in-process clients of a lab opened with <see cref="LabOptions.StateFile"/>.</summary>
    internal void Commit() => Store.Commit();

    /// <summary>Writes what is not saved yet (last uses of keys, audit events of reads) and releases the file for other processes.</summary>
    public void Dispose() => Store.Dispose();
}
