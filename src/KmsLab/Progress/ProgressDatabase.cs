using KmsLab.Persistence;
using Microsoft.Data.Sqlite;

namespace KmsLab.Progress;

/// <summary>
/// The SQLite file a learner's progress lives in: how to recognise one, its schema and the
/// migrations that bring an older file up to date. A file is a KmsLab progress database if its
/// <c>PRAGMA application_id</c> is <see cref="ApplicationId"/>; its schema version is
/// <c>PRAGMA user_version</c>. Anything else — not SQLite, damaged, another program's database, a
/// newer KmsLab's — is refused before anything writes to it.
/// </summary>
internal static class ProgressDatabase
{
    /// <summary>"KMSP": what <c>PRAGMA application_id</c> holds in a progress database (a state database holds "KMSL").</summary>
    public const int ApplicationId = 0x4B4D5350;

    /// <summary>
    /// The schema, one step per version: step N (1-based) takes a file from user_version N-1 to N.
    /// Append a step for every change; never edit one that shipped.
    /// </summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: attempts, the answers given in them, and the review schedule.
        """
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            exam TEXT,
            topic TEXT,
            started_utc TEXT NOT NULL,
            finished_utc TEXT,
            time_limit_seconds INTEGER,
            timed_out INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE answers (
            attempt_id INTEGER NOT NULL REFERENCES attempts(id),
            position INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            shown_order TEXT NOT NULL,
            answer TEXT,
            correct INTEGER NOT NULL,
            flagged INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL,
            answered_utc TEXT NOT NULL,
            PRIMARY KEY (attempt_id, position)) WITHOUT ROWID;
        CREATE INDEX answers_by_question ON answers(question_id);
        CREATE TABLE review (
            question_id TEXT PRIMARY KEY,
            box INTEGER NOT NULL,
            due_utc TEXT NOT NULL,
            last_utc TEXT NOT NULL) WITHOUT ROWID;
        """,
        // 2: the lessons' exercise checks: how often each was checked, when it first passed, how it stands.
        """
        CREATE TABLE exercise_checks (
            exercise TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            checks INTEGER NOT NULL,
            first_passed_utc TEXT,
            last_utc TEXT NOT NULL,
            last_passed INTEGER NOT NULL) WITHOUT ROWID;
        """,
    ];

    /// <summary>The schema version this KmsLab writes.</summary>
    public static int CurrentVersion => Migrations.Count;

    /// <summary>
    /// Checks, read-only, that an existing non-empty <paramref name="path"/> is a progress database
    /// this KmsLab can open and that SQLite finds it intact; throws <see cref="ProgressStoreException"/>
    /// saying what it is otherwise. Nothing is written.
    /// </summary>
    public static void Check(string path)
    {
        const string Untouched = "It was left as it is; move it away, or use --progress to choose another file.";
        if (!StateDatabase.LooksLikeSqlite(path))
            throw new ProgressStoreException($"The progress file '{path}' is not a KmsLab progress database (it is not a SQLite file at all). {Untouched}");
        using var connection = StateDatabase.Connect(path, SqliteOpenMode.ReadOnly);
        try
        {
            connection.Open();
            int application = StateDatabase.Scalar(connection, "PRAGMA application_id");
            int version = StateDatabase.Scalar(connection, "PRAGMA user_version");
            if (application != ApplicationId)
                throw new ProgressStoreException($"The progress file '{path}' is a SQLite database of another program (application_id {application}; KmsLab progress has {ApplicationId}). {Untouched}");
            if (version > CurrentVersion)
                throw new ProgressStoreException($"The progress file '{path}' has schema version {version}, and this KmsLab reads versions up to {CurrentVersion}: it was written by a newer KmsLab. {Untouched}");
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check";
            var verdict = Convert.ToString(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (verdict != "ok") throw new ProgressStoreException($"The progress file '{path}' is damaged (SQLite: {verdict}). {Untouched}");
        }
        catch (SqliteException e)
        {
            throw new ProgressStoreException($"The progress file '{path}' is damaged and cannot be read (SQLite: {e.Message}). {Untouched}", e);
        }
    }

    /// <summary>Opens <paramref name="path"/> for writing (creating it if new) and brings its schema up to date, one transaction per step.</summary>
    public static SqliteConnection Open(string path)
    {
        var connection = StateDatabase.Connect(path, SqliteOpenMode.ReadWriteCreate);
        try
        {
            connection.Open();
            StateDatabase.Execute(connection, "PRAGMA journal_mode=WAL");
            StateDatabase.Execute(connection, "PRAGMA foreign_keys=ON");
            StateDatabase.Migrate(connection, ApplicationId, Migrations);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
