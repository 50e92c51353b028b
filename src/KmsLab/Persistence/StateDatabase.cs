using Microsoft.Data.Sqlite;

namespace KmsLab.Persistence;

/// <summary>
/// The SQLite file a state lives in: how to recognise one, its schema and the migrations that
/// bring an older file up to date. A file is a KmsLab state if it is a SQLite database whose
/// <c>PRAGMA application_id</c> is <see cref="ApplicationId"/>; its schema version is
/// <c>PRAGMA user_version</c>, the number of <see cref="Migrations"/> applied. A file that is
/// something else, or from a newer KmsLab, is refused before anything writes to it.
/// </summary>
internal static class StateDatabase
{
    /// <summary>"KMSL": what <c>PRAGMA application_id</c> holds in a KmsLab state database (file(1) shows it too).</summary>
    public const int ApplicationId = 0x4B4D534C;

    /// <summary>
    /// The schema, one step per version: step N (1-based) takes a file from user_version N-1 to N.
    /// Append a step for every change; never edit one that shipped (files in the field went through it).
    /// </summary>
    /// <remarks>
    /// Rows per entity, each holding that entity's snapshot JSON (the shapes of
    /// <see cref="WorldSnapshot"/>): a commit writes the rows of what changed and nothing else.
    /// A key's row holds its grants, tags and material versions, which change with it and are
    /// bounded per key by KMS's own quotas. <c>keys.seq</c> keeps the order keys were created in
    /// (ListKeys's order): an existing row is updated in place, never re-inserted.
    /// </remarks>
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: the world.
        """
        CREATE TABLE world (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
        CREATE TABLE principals (position INTEGER PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE keys (seq INTEGER PRIMARY KEY, account_id TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL, json TEXT NOT NULL, UNIQUE (account_id, region, key_id));
        CREATE TABLE aliases (account_id TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (account_id, region, name)) WITHOUT ROWID;
        CREATE TABLE deleted_keys (account_id TEXT NOT NULL, region TEXT NOT NULL, key_id TEXT NOT NULL, PRIMARY KEY (account_id, region, key_id)) WITHOUT ROWID;
        CREATE TABLE key_stores (account_id TEXT NOT NULL, region TEXT NOT NULL, position INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (account_id, region, position)) WITHOUT ROWID;
        """,
        // 2: the audit trail, kept across restarts (bounded by the server's retention count).
        """
        CREATE TABLE audit (seq INTEGER PRIMARY KEY, json TEXT NOT NULL);
        """,
        // 3: simulated CloudHSM clusters (what CloudHSM key stores are backed by).
        """
        CREATE TABLE cloudhsm_clusters (account_id TEXT NOT NULL, region TEXT NOT NULL, position INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (account_id, region, position)) WITHOUT ROWID;
        """,
    ];

    /// <summary>The schema version this KmsLab writes.</summary>
    public static int CurrentVersion => Migrations.Count;

    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>True if the file at <paramref name="path"/> starts as every SQLite database does.</summary>
    public static bool LooksLikeSqlite(string path)
    {
        Span<byte> header = stackalloc byte[16];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && header.SequenceEqual(SqliteHeader);
    }

    /// <summary>
    /// Checks, read-only, that <paramref name="path"/> is a KmsLab state this KmsLab can open; throws
    /// <see cref="InvalidDataException"/> saying what it is otherwise. Nothing is written.
    /// </summary>
    public static void CheckReadOnly(string path)
    {
        using var connection = Connect(path, SqliteOpenMode.ReadOnly);
        try
        {
            connection.Open();
            int application = Scalar(connection, "PRAGMA application_id");
            int version = Scalar(connection, "PRAGMA user_version");
            if (application != ApplicationId)
            {
                throw new InvalidDataException($"The state file '{path}' is a SQLite database, but not a KmsLab state (its application_id is {application}, a KmsLab state has {ApplicationId}).");
            }
            if (version > CurrentVersion)
            {
                throw new InvalidDataException($"The state file '{path}' has schema version {version}, and this KmsLab reads versions up to {CurrentVersion} (was it written by a newer KmsLab?).");
            }
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"The state file '{path}' looks like a SQLite database but cannot be read: {e.Message}", e);
        }
    }

    /// <summary>
    /// Opens a KmsLab state database for writing, with the settings every change relies on, and
    /// brings its schema up to date (in one transaction per step).
    /// </summary>
    /// <remarks>
    /// WAL: a commit appends to the log instead of rewriting pages in place, and a reader (the audit
    /// export) never blocks the writer. <c>synchronous=FULL</c>: the log is flushed to the disk at
    /// every commit, so a change is on disk before its response is sent — as the JSON state file
    /// was (fsync per write). NORMAL would survive a killed process too (the log is in the OS's
    /// cache), but not a power cut or a crashed machine, and the flush is what group commit shares.
    /// A half-written log from a kill is SQLite's to recover: the next open ignores a torn frame.
    /// </remarks>
    public static SqliteConnection OpenForWriting(string path)
    {
        var connection = Connect(path, SqliteOpenMode.ReadWriteCreate);
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL");
            Execute(connection, "PRAGMA synchronous=FULL");
            Migrate(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Migrate(SqliteConnection connection) => Migrate(connection, ApplicationId, Migrations);

    /// <summary>
    /// Brings a KmsLab SQLite file (of <paramref name="applicationId"/>) up to the last of
    /// <paramref name="migrations"/>, one transaction per step; a new file gets the application id first.
    /// </summary>
    public static void Migrate(SqliteConnection connection, int applicationId, IReadOnlyList<string> migrations)
    {
        int version = Scalar(connection, "PRAGMA user_version");
        if (version == 0) Execute(connection, $"PRAGMA application_id={applicationId}");
        for (int step = version; step < migrations.Count; step++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, migrations[step], transaction);
            // PRAGMA user_version takes no parameters; the number is ours, not input.
            Execute(connection, $"PRAGMA user_version={step + 1}", transaction);
            transaction.Commit();
        }
    }

    /// <summary>A connection of its own (no pool: the store holds one for its lifetime, and a pooled one would keep the file open after it is done).</summary>
    public static SqliteConnection Connect(string path, SqliteOpenMode mode) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());

    public static int Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}
