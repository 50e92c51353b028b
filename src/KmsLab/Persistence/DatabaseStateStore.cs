using System.Text.Encodings.Web;
using System.Text.Json;
using KmsLab.Audit;
using KmsLab.Simulation;
using Microsoft.Data.Sqlite;

namespace KmsLab.Persistence;

/// <summary>
/// Keeps one lab's world durable in a SQLite state file (see <see cref="StateDatabase"/>), writing
/// at each commit only the rows of what changed since the last one (see <see cref="WorldChanges"/>).
/// <see cref="Open"/> takes the file for this process alone (a second server on the same file is
/// refused), recognises what is there — nothing yet, a KmsLab database, or a JSON state file of an
/// earlier KmsLab, which <see cref="Attach"/> migrates, keeping it beside as <c>FILE.json.bak</c> —
/// and refuses anything else without touching it. <see cref="CommitAsync"/> returns once every change
/// made before the call is committed; concurrent callers share one transaction (group commit).
/// The audit trail goes into the file too, bounded by a retention count.
/// </summary>
internal sealed class DatabaseStateStore : IDisposable
{
    /// <summary>How many audit events a state file keeps unless told otherwise (the newest; older ones are removed as new ones come).</summary>
    public const int DefaultAuditRetention = 10_000;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // The shapes' own settings, and policies' quotes kept readable (a row is never put in HTML).
    private static readonly SnapshotJsonContext RowContext = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    private readonly StateFileLock _lock;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Kind _found;
    private readonly int _auditRetention;
    private SqliteConnection? _connection;
    private Lab? _lab;
    private WorldChanges? _changes;
    private long _requested;
    private long _saved;
    private long _savedSpontaneousChanges;
    private long _auditNext;

    // What was last written of the small, untracked parts (compared whole at each commit; see
    // WorldChanges). Null or missing: unknown, write it. Read and written by the one writer.
    private string? _principalsJson;
    private readonly Dictionary<(string AccountId, string Region), string> _keyStoresJson = [];

    private enum Kind { New, Database, Json }

    private DatabaseStateStore(string path, StateFileLock lockFile, Kind found, int auditRetention)
    {
        Path = path;
        _lock = lockFile;
        _found = found;
        _auditRetention = auditRetention;
    }

    /// <summary>The state file's full path.</summary>
    public string Path { get; }

    /// <summary>Where the JSON state file that <see cref="Attach"/> migrated was kept; null if there was none.</summary>
    public string? MigratedFrom { get; private set; }

    /// <summary>How many commits this store has written.</summary>
    public long Writes { get; private set; }

    /// <summary>How many key rows this store's commits have written or deleted (what a commit costs grows with this, not with the world).</summary>
    public long KeyRowsWritten { get; private set; }

    /// <summary>For tests: runs inside each commit's transaction, before it commits (a throw makes the commit fail).</summary>
    internal Action? BeforeCommit { get; set; }

    /// <summary>
    /// Takes the state file at <paramref name="path"/> for this process and checks what it is.
    /// </summary>
    /// <exception cref="IOException">Another process holds the file.</exception>
    /// <exception cref="InvalidDataException">The file is a SQLite database that is not a KmsLab state, or is from a newer KmsLab (it is left as it is).</exception>
    public static DatabaseStateStore Open(string path, int auditRetention = DefaultAuditRetention)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(auditRetention);
        var full = System.IO.Path.GetFullPath(path);
        var lockFile = StateFileLock.Acquire(full);
        try
        {
            StateFile.RemoveLeftovers(full);
            Kind found;
            if (!File.Exists(full)) found = Kind.New;
            else if (StateDatabase.LooksLikeSqlite(full))
            {
                StateDatabase.CheckReadOnly(full);
                found = Kind.Database;
            }
            else found = Kind.Json;
            return new DatabaseStateStore(full, lockFile, found, auditRetention);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>The saved world, or null if there is none yet.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable KmsLab state.</exception>
    public WorldSnapshot? ReadExisting()
    {
        switch (_found)
        {
            case Kind.New:
                return null;
            case Kind.Json:
                return StateFile.Read(Path);
            default:
                _connection ??= OpenExisting();
                return Read(_connection, Path);
        }
    }

    private SqliteConnection OpenExisting()
    {
        // A KmsLab state (checked by Open): owner-only, whatever its mode was.
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm" })
        {
            if (!OperatingSystem.IsWindows() && File.Exists(file)) File.SetUnixFileMode(file, OwnerOnly);
        }
        return StateDatabase.OpenForWriting(Path);
    }

    /// <summary>
    /// Starts keeping <paramref name="lab"/> durable. A new file, or a JSON state file being
    /// migrated, is written whole into a new database first, which then replaces it atomically.
    /// </summary>
    public void Attach(Lab lab)
    {
        if (_lab is not null) throw new InvalidOperationException("A state store keeps one lab.");
        var world = lab.World;
        lock (world.Sync)
        {
            if (_found != Kind.Database) CreateWhole(lab);
            _connection ??= OpenExisting();
            _changes = world.TrackChanges();
            _savedSpontaneousChanges = world.SpontaneousChanges;
        }
        _lab = lab;
    }

    /// <summary>True if the clock made changes by itself (rotations, deletions) that are not saved yet.</summary>
    public bool HasUnsavedSpontaneousChanges => _lab is not null && _lab.World.SpontaneousChanges != Volatile.Read(ref _savedSpontaneousChanges);

    /// <summary>Returns once every change made to the world before this call is committed to the state file.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_lab is null) throw new InvalidOperationException("Attach a lab first.");
        long ticket = Interlocked.Increment(ref _requested);
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _saved) >= ticket) return;
            // Every ticket up to here was taken after its change: the changes drained below include them all.
            long covers = Volatile.Read(ref _requested);
            // Capture and commit on the thread pool: the caller may be a server's I/O thread.
            await Task.Run(WriteChanges, CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _saved, covers);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>As <see cref="CommitAsync"/>, on the caller's thread (in-process clients call synchronously).</summary>
    public void Commit()
    {
        if (_lab is null) throw new InvalidOperationException("Attach a lab first.");
        long ticket = Interlocked.Increment(ref _requested);
        _writer.Wait();
        try
        {
            if (Volatile.Read(ref _saved) >= ticket) return;
            long covers = Volatile.Read(ref _requested);
            WriteChanges();
            Volatile.Write(ref _saved, covers);
        }
        finally
        {
            _writer.Release();
        }
    }

    // A commit: what changed, captured under the world lock (copies, so that the lock is held only
    // for that), then written in one transaction outside it.
    private void WriteChanges()
    {
        var lab = _lab!;
        var world = lab.World;
        List<KmsKey> keys;
        List<(string AccountId, string Region, string Alias)> aliases;
        var keyRows = new List<(string AccountId, string Region, Guid Id, SnapshotKey? Key)>();
        var aliasRows = new List<(string AccountId, string Region, string Name, SnapshotAlias? Alias)>();
        var storeRows = new List<(string AccountId, string Region, List<SnapshotKeyStore> Stores, List<SnapshotCloudHsmCluster> Clusters)>();
        WorldSnapshot meta;
        List<SnapshotPrincipal> principals;
        lock (world.Sync)
        {
            (keys, aliases) = _changes!.Drain(world);
            foreach (var key in keys)
            {
                bool present = ReferenceEquals(world.Region(key.AccountId, key.Region).Find(key.Id), key);
                keyRows.Add((key.AccountId, key.Region, key.Id, present ? WorldSnapshots.CaptureKey(key, world.Grants) : null));
            }
            foreach (var (account, region, name) in aliases)
            {
                var alias = world.Region(account, region).FindAlias(name);
                aliasRows.Add((account, region, name, alias is null ? null : WorldSnapshots.CaptureAlias(alias)));
            }
            foreach (var kms in world.AllRegions)
            {
                // Custom key stores and CloudHSM clusters are few, and clusters change outside requests (a lab's cluster API): compared whole at each write.
                if (kms.KeyStores.Count > 0 || kms.CloudHsmClusters.Count > 0 || _keyStoresJson.ContainsKey((kms.AccountId, kms.Region)))
                {
                    storeRows.Add((kms.AccountId, kms.Region, WorldSnapshots.CaptureKeyStores(kms), WorldSnapshots.CaptureClusters(kms)));
                }
            }
            meta = WorldSnapshots.CaptureWorldOnly(world, lab.Clock, lab.AccountId, lab.PartnerAccountId);
            principals = WorldSnapshots.CapturePrincipals(world);
        }
        var (events, auditNext) = lab.AuditTrail.EventsFrom(_auditNext);
        var written = new List<(string AccountId, string Region, string Json)>();
        string? principalsJson = null;
        try
        {
            var connection = _connection!;
            using var transaction = connection.BeginTransaction();
            WriteWorld(connection, transaction, meta);
            var json = JsonSerializer.Serialize(principals, RowContext.ListSnapshotPrincipal);
            if (json != _principalsJson)
            {
                WritePrincipals(connection, transaction, principals);
                principalsJson = json;
            }
            foreach (var (account, region, stores, clusters) in storeRows)
            {
                var storesJson = JsonSerializer.Serialize(stores, RowContext.ListSnapshotKeyStore) + "\n" + JsonSerializer.Serialize(clusters, RowContext.ListSnapshotCloudHsmCluster);
                if (_keyStoresJson.GetValueOrDefault((account, region)) == storesJson) continue;
                WriteKeyStores(connection, transaction, account, region, stores, clusters);
                written.Add((account, region, storesJson));
            }
            foreach (var (account, region, id, key) in keyRows)
            {
                if (key is not null) UpsertKey(connection, transaction, account, region, id, key);
                else DeleteKey(connection, transaction, account, region, id);
            }
            foreach (var (account, region, name, alias) in aliasRows)
            {
                if (alias is not null) UpsertAlias(connection, transaction, account, region, alias);
                else Run(connection, transaction, "DELETE FROM aliases WHERE account_id = $a AND region = $r AND name = $n", ("$a", account), ("$r", region), ("$n", name));
            }
            WriteAudit(connection, transaction, events);
            BeforeCommit?.Invoke();
            transaction.Commit();
        }
        catch
        {
            // Not written: mark it again, so that the next commit (of anyone) writes it.
            lock (world.Sync) _changes!.Restore(keys, aliases);
            _principalsJson = null;
            _keyStoresJson.Clear();
            throw;
        }
        if (principalsJson is not null) _principalsJson = principalsJson;
        foreach (var (account, region, storesJson) in written) _keyStoresJson[(account, region)] = storesJson;
        _auditNext = auditNext;
        KeyRowsWritten += keyRows.Count;
        Volatile.Write(ref _savedSpontaneousChanges, meta.SpontaneousChanges);
        Writes++;
    }

    /// <summary>A new database holding the whole lab, put in the file's place atomically (a JSON state file being migrated is copied aside first).</summary>
    private void CreateWhole(Lab lab)
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        var temp = System.IO.Path.Combine(folder, StateFile.TempPrefix(Path) + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            // Created owner-only before SQLite opens it: SQLite gives its -wal and -shm files the database's mode.
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
            using (var stream = new FileStream(temp, options))
            {
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stream.SafeFileHandle, OwnerOnly);
            }
            using (var connection = StateDatabase.OpenForWriting(temp))
            {
                WriteWhole(connection, lab);
            }
            if (_found == Kind.Json)
            {
                // The backup first: a kill before the rename below leaves the JSON file in place, to be migrated again.
                var backup = BackupName(Path);
                StateFile.WriteAtomically(backup, File.ReadAllBytes(Path));
                MigratedFrom = backup;
            }
            File.Move(temp, Path, overwrite: true);
            StateFile.FlushFolder(folder);
        }
        finally
        {
            foreach (var leftover in new[] { temp, temp + "-wal", temp + "-shm", temp + "-journal" })
            {
                if (File.Exists(leftover)) File.Delete(leftover);
            }
        }
    }

    /// <summary><c>FILE.json.bak</c>, or <c>FILE.json.bak.2</c>... if an earlier migration's backup is there.</summary>
    private static string BackupName(string path)
    {
        var name = path + ".json.bak";
        for (int n = 2; File.Exists(name); n++) name = $"{path}.json.bak.{n}";
        return name;
    }

    private void WriteWhole(SqliteConnection connection, Lab lab)
    {
        var snapshot = lab.Snapshot();
        using var transaction = connection.BeginTransaction();
        WriteWorld(connection, transaction, snapshot);
        WritePrincipals(connection, transaction, snapshot.Principals ?? []);
        foreach (var region in snapshot.Regions ?? [])
        {
            string account = region.AccountId!, name = region.Region!;
            foreach (var key in region.Keys ?? []) UpsertKey(connection, transaction, account, name, key.KeyId, key);
            foreach (var alias in region.Aliases ?? []) UpsertAlias(connection, transaction, account, name, alias);
            foreach (var id in region.DeletedKeyIds ?? []) Run(connection, transaction, "INSERT OR IGNORE INTO deleted_keys (account_id, region, key_id) VALUES ($a, $r, $k)", ("$a", account), ("$r", name), ("$k", id.ToString("D")));
            if (region.KeyStores is { Count: > 0 } || region.CloudHsmClusters is { Count: > 0 }) WriteKeyStores(connection, transaction, account, name, region.KeyStores ?? [], region.CloudHsmClusters ?? []);
        }
        transaction.Commit();
    }

    private static void WriteWorld(SqliteConnection connection, SqliteTransaction transaction, WorldSnapshot snapshot)
    {
        var meta = new WorldSnapshot
        {
            Format = snapshot.Format, Version = snapshot.Version, AccountId = snapshot.AccountId, PartnerAccountId = snapshot.PartnerAccountId,
            Clock = snapshot.Clock, WorldSecrets = snapshot.WorldSecrets,
        };
        Run(connection, transaction, "INSERT INTO world (id, json) VALUES (1, $j) ON CONFLICT (id) DO UPDATE SET json = excluded.json", ("$j", JsonSerializer.Serialize(meta, RowContext.WorldSnapshot)));
    }

    private static void WritePrincipals(SqliteConnection connection, SqliteTransaction transaction, List<SnapshotPrincipal> principals)
    {
        Run(connection, transaction, "DELETE FROM principals");
        for (int i = 0; i < principals.Count; i++)
        {
            Run(connection, transaction, "INSERT INTO principals (position, json) VALUES ($p, $j)", ("$p", i), ("$j", JsonSerializer.Serialize(principals[i], RowContext.SnapshotPrincipal)));
        }
    }

    private static void WriteKeyStores(SqliteConnection connection, SqliteTransaction transaction, string account, string region, List<SnapshotKeyStore> stores, List<SnapshotCloudHsmCluster> clusters)
    {
        Run(connection, transaction, "DELETE FROM key_stores WHERE account_id = $a AND region = $r", ("$a", account), ("$r", region));
        for (int i = 0; i < stores.Count; i++)
        {
            Run(connection, transaction, "INSERT INTO key_stores (account_id, region, position, json) VALUES ($a, $r, $p, $j)",
                ("$a", account), ("$r", region), ("$p", i), ("$j", JsonSerializer.Serialize(stores[i], RowContext.SnapshotKeyStore)));
        }
        Run(connection, transaction, "DELETE FROM cloudhsm_clusters WHERE account_id = $a AND region = $r", ("$a", account), ("$r", region));
        for (int i = 0; i < clusters.Count; i++)
        {
            Run(connection, transaction, "INSERT INTO cloudhsm_clusters (account_id, region, position, json) VALUES ($a, $r, $p, $j)",
                ("$a", account), ("$r", region), ("$p", i), ("$j", JsonSerializer.Serialize(clusters[i], RowContext.SnapshotCloudHsmCluster)));
        }
    }

    // Updated in place when the key is there already: its seq, hence its place in ListKeys, stays.
    private static void UpsertKey(SqliteConnection connection, SqliteTransaction transaction, string account, string region, Guid id, SnapshotKey key) =>
        Run(connection, transaction, "INSERT INTO keys (account_id, region, key_id, json) VALUES ($a, $r, $k, $j) ON CONFLICT (account_id, region, key_id) DO UPDATE SET json = excluded.json",
            ("$a", account), ("$r", region), ("$k", id.ToString("D")), ("$j", JsonSerializer.Serialize(key, RowContext.SnapshotKey)));

    private static void DeleteKey(SqliteConnection connection, SqliteTransaction transaction, string account, string region, Guid id)
    {
        Run(connection, transaction, "DELETE FROM keys WHERE account_id = $a AND region = $r AND key_id = $k", ("$a", account), ("$r", region), ("$k", id.ToString("D")));
        Run(connection, transaction, "INSERT OR IGNORE INTO deleted_keys (account_id, region, key_id) VALUES ($a, $r, $k)", ("$a", account), ("$r", region), ("$k", id.ToString("D")));
    }

    private static void UpsertAlias(SqliteConnection connection, SqliteTransaction transaction, string account, string region, SnapshotAlias alias) =>
        Run(connection, transaction, "INSERT INTO aliases (account_id, region, name, json) VALUES ($a, $r, $n, $j) ON CONFLICT (account_id, region, name) DO UPDATE SET json = excluded.json",
            ("$a", account), ("$r", region), ("$n", alias.Name!), ("$j", JsonSerializer.Serialize(alias, RowContext.SnapshotAlias)));

    private void WriteAudit(SqliteConnection connection, SqliteTransaction transaction, List<AuditEvent> events)
    {
        if (events.Count == 0 || _auditRetention == 0) return;
        foreach (var e in events) Run(connection, transaction, "INSERT INTO audit (json) VALUES ($j)", ("$j", e.ToJson()));
        // Bounded: the newest events stay. seq grows by one per event, so this is a range delete on the primary key.
        Run(connection, transaction, "DELETE FROM audit WHERE seq <= (SELECT MAX(seq) FROM audit) - $n", ("$n", _auditRetention));
    }

    private static void Run(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    /// <summary>Builds the world snapshot a database holds (null if it holds none yet), checking each row as it reads it.</summary>
    internal static WorldSnapshot? Read(SqliteConnection connection, string path)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM world WHERE id = 1";
        if (command.ExecuteScalar() is not string worldJson) return null;
        var snapshot = Parse(worldJson, SnapshotJsonContext.Default.WorldSnapshot, path, "the world row");
        snapshot.Principals = [.. Rows(connection, "SELECT json FROM principals ORDER BY position").Select(r => Parse(r.Json, SnapshotJsonContext.Default.SnapshotPrincipal, path, "a principal"))];
        var regions = new Dictionary<(string, string), SnapshotRegion>();
        SnapshotRegion Region(string account, string region)
        {
            if (!regions.TryGetValue((account, region), out var r)) regions.Add((account, region), r = new SnapshotRegion { AccountId = account, Region = region, Keys = [], Aliases = [], DeletedKeyIds = [], KeyStores = [], CloudHsmClusters = [] });
            return r;
        }
        foreach (var row in Rows(connection, "SELECT account_id, region, json FROM keys ORDER BY seq")) Region(row.Account, row.Region).Keys!.Add(Parse(row.Json, SnapshotJsonContext.Default.SnapshotKey, path, "a key"));
        foreach (var row in Rows(connection, "SELECT account_id, region, json FROM aliases ORDER BY name")) Region(row.Account, row.Region).Aliases!.Add(Parse(row.Json, SnapshotJsonContext.Default.SnapshotAlias, path, "an alias"));
        foreach (var row in Rows(connection, "SELECT account_id, region, key_id FROM deleted_keys"))
        {
            if (!Guid.TryParseExact(row.Json, "D", out var id)) throw new InvalidDataException($"The state file '{path}' has a deleted key ID '{row.Json}' that is not a key ID.");
            Region(row.Account, row.Region).DeletedKeyIds!.Add(id);
        }
        foreach (var row in Rows(connection, "SELECT account_id, region, json FROM key_stores ORDER BY position")) Region(row.Account, row.Region).KeyStores!.Add(Parse(row.Json, SnapshotJsonContext.Default.SnapshotKeyStore, path, "a custom key store"));
        foreach (var row in Rows(connection, "SELECT account_id, region, json FROM cloudhsm_clusters ORDER BY position")) Region(row.Account, row.Region).CloudHsmClusters!.Add(Parse(row.Json, SnapshotJsonContext.Default.SnapshotCloudHsmCluster, path, "a CloudHSM cluster"));
        snapshot.Regions = [.. regions.Values];
        return snapshot;
    }

    private static IEnumerable<(string Account, string Region, string Json)> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return reader.FieldCount == 1 ? ("", "", reader.GetString(0)) : (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }
    }

    private static T Parse<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string path, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, info) ?? throw new InvalidDataException($"The state file '{path}' holds JSON null as {what}.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The state file '{path}' holds {what} that is not valid KmsLab state JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes the audit events a state file keeps as CloudTrail records, one JSON object a line,
    /// oldest first. Opens the file read-only and does not take it: for a stopped server's file
    /// (a running server's is read too, as of its last commit).
    /// </summary>
    /// <returns>How many events were written.</returns>
    /// <exception cref="InvalidDataException">The file is not a KmsLab state database.</exception>
    public static long ExportAudit(string path, TextWriter output)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"There is no state file '{full}'.", full);
        if (!StateDatabase.LooksLikeSqlite(full)) throw new InvalidDataException($"The state file '{full}' is not a KmsLab state database (a JSON state file from an earlier KmsLab kept no audit trail; serve it once to migrate it).");
        StateDatabase.CheckReadOnly(full);
        using var connection = StateDatabase.Connect(full, SqliteOpenMode.ReadOnly);
        connection.Open();
        if (StateDatabase.Scalar(connection, "PRAGMA user_version") < 2) return 0;
        long count = 0;
        foreach (var row in Rows(connection, "SELECT json FROM audit ORDER BY seq"))
        {
            output.WriteLine(row.Json);
            count++;
        }
        return count;
    }

    /// <summary>Writes what is still unsaved (the last uses of keys, audit events of reads), then lets the file go.</summary>
    public void Dispose()
    {
        try
        {
            if (_lab is not null && _connection is not null)
            {
                _writer.Wait();
                try
                {
                    WriteChanges();
                }
                finally
                {
                    _writer.Release();
                }
            }
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
        {
            // Best effort: every acknowledged change was committed before its response.
        }
        finally
        {
            _connection?.Dispose();
            _lock.Dispose();
            _writer.Dispose();
        }
    }
}
