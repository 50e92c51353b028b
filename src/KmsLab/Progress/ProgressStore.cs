using System.Globalization;
using KmsLab.Exam;
using KmsLab.Persistence;
using Microsoft.Data.Sqlite;

namespace KmsLab.Progress;

/// <summary>
/// A learner's progress, kept in a SQLite file in their data folder: every attempt (practice, mock
/// exam, review, lesson quiz), every answer with the time it took, and the review schedule of
/// missed questions. <c>kmslab exam</c> and the notebooks write the same file.
/// </summary>
/// <remarks>
/// A file that is not a KmsLab progress database, or is damaged, is refused with
/// <see cref="ProgressStoreException"/> and never written to. Each call commits on its own, so a
/// candidate who closes the terminal mid-exam keeps every answer given so far.
/// </remarks>
public sealed class ProgressStore : IDisposable
{
    /// <summary>The environment variable that names another progress file.</summary>
    public const string PathVariable = "KMSLAB_PROGRESS";

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;

    private ProgressStore(string path, SqliteConnection connection, TimeProvider time)
    {
        Path = path;
        _connection = connection;
        _time = time;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>
    /// Where progress is kept unless told otherwise: <c>KMSLAB_PROGRESS</c>, else
    /// <c>progress.db</c> in KmsLab's folder of the user's local data (<c>~/.local/share/kmslab</c> on Linux).
    /// </summary>
    public static string DefaultPath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } set
            ? set
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), FolderName, FileName);

    // Where in the user's local data folder progress lives (~/.local/share on Linux, as InHome spells it out).
    private const string FolderName = "kmslab";
    private const string FileName = "progress.db";

    /// <summary>
    /// Where a Linux user's progress file is when nothing moved it: <see cref="DefaultPath"/> for a
    /// learner whose home is <paramref name="home"/>. <c>kmslab class report</c> reads a class's this way.
    /// </summary>
    public static string InHome(string home) => System.IO.Path.Combine(home, ".local", "share", FolderName, FileName);

    /// <summary>Opens (or creates) the progress file at <paramref name="path"/> (default <see cref="DefaultPath"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="time">The clock answers and the review schedule are dated by; the system clock by default.</param>
    /// <exception cref="ProgressStoreException">The file exists but is not a KmsLab progress database, is damaged, or is from a newer KmsLab; it is left as it is.</exception>
    public static ProgressStore Open(string? path = null, TimeProvider? time = null)
    {
        path = System.IO.Path.GetFullPath(path ?? DefaultPath);
        if (File.Exists(path) && new FileInfo(path).Length > 0) ProgressDatabase.Check(path);
        else Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return new ProgressStore(path, ProgressDatabase.Open(path), time ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Starts an attempt and returns its id.</summary>
    public long StartAttempt(AttemptKind kind, string? exam = null, string? topic = null, TimeSpan? timeLimit = null) =>
        Convert.ToInt64(Scalar(
            "INSERT INTO attempts (kind, exam, topic, started_utc, time_limit_seconds) VALUES ($kind, $exam, $topic, $started, $limit) RETURNING id",
            ("$kind", kind.ToString()), ("$exam", exam), ("$topic", topic), ("$started", Stamp(Now)), ("$limit", timeLimit is { } l ? (long)l.TotalSeconds : null)), CultureInfo.InvariantCulture);

    /// <summary>
    /// Records (or replaces) the answer at <paramref name="position"/> of an attempt and moves the
    /// question in the review schedule: a miss or a blank puts it in box 1.
    /// </summary>
    /// <param name="attemptId">From <see cref="StartAttempt"/>.</param>
    /// <param name="position">Its place in the attempt, from 1.</param>
    /// <param name="asked">The question as it was shown.</param>
    /// <param name="answer">The letters chosen, or null if none.</param>
    /// <param name="flagged">Flagged for review by the candidate.</param>
    /// <param name="time">Time spent on it.</param>
    /// <returns>True if the answer was right.</returns>
    public bool RecordAnswer(long attemptId, int position, AskedQuestion asked, string? answer, bool flagged, TimeSpan time)
    {
        var now = Now;
        var right = asked.IsRight(answer);
        using var transaction = _connection.BeginTransaction();
        Execute(transaction,
            """
            INSERT INTO answers (attempt_id, position, question_id, shown_order, answer, correct, flagged, seconds, answered_utc)
            VALUES ($attempt, $position, $question, $order, $answer, $correct, $flagged, $seconds, $at)
            ON CONFLICT (attempt_id, position) DO UPDATE SET question_id = excluded.question_id, shown_order = excluded.shown_order,
                answer = excluded.answer, correct = excluded.correct, flagged = excluded.flagged, seconds = excluded.seconds, answered_utc = excluded.answered_utc
            """,
            ("$attempt", attemptId), ("$position", position), ("$question", asked.Question.Id),
            ("$order", string.Join(',', asked.Choices.Select(c => asked.Question.Choices.ToList().IndexOf(c)))),
            ("$answer", asked.Normalize(answer)), ("$correct", right ? 1 : 0), ("$flagged", flagged ? 1 : 0), ("$seconds", time.TotalSeconds), ("$at", Stamp(now)));
        var current = Review(asked.Question.Id, transaction);
        var next = ReviewSchedule.After(current, right, now);
        if (next is { } n)
            Execute(transaction, "INSERT INTO review (question_id, box, due_utc, last_utc) VALUES ($q, $box, $due, $at) ON CONFLICT (question_id) DO UPDATE SET box = excluded.box, due_utc = excluded.due_utc, last_utc = excluded.last_utc",
                ("$q", asked.Question.Id), ("$box", n.Box), ("$due", Stamp(n.Due)), ("$at", Stamp(now)));
        else if (current is not null)
            Execute(transaction, "DELETE FROM review WHERE question_id = $q", ("$q", asked.Question.Id));
        transaction.Commit();
        return right;
    }

    /// <summary>Records one run of an exercise's check: counted, and the first pass remembered (a later failure does not undo it).</summary>
    /// <param name="exercise">The exercise's key: its lesson number (<c>"14"</c>), or its name.</param>
    /// <param name="title">The exercise as the learner reads it.</param>
    /// <param name="passed">The check's verdict.</param>
    public void RecordCheck(string exercise, string title, bool passed)
    {
        var now = Stamp(Now);
        Execute(null,
            """
            INSERT INTO exercise_checks (exercise, title, checks, first_passed_utc, last_utc, last_passed) VALUES ($e, $t, 1, $first, $now, $passed)
            ON CONFLICT (exercise) DO UPDATE SET title = excluded.title, checks = checks + 1,
                first_passed_utc = COALESCE(first_passed_utc, excluded.first_passed_utc), last_utc = excluded.last_utc, last_passed = excluded.last_passed
            """,
            ("$e", exercise), ("$t", title), ("$first", passed ? now : null), ("$now", now), ("$passed", passed ? 1 : 0));
    }

    /// <summary>Every exercise checked so far, by key.</summary>
    public IReadOnlyList<ExerciseProgress> Exercises()
    {
        var exercises = new List<ExerciseProgress>();
        using var command = Command(null, "SELECT exercise, title, checks, first_passed_utc, last_utc, last_passed FROM exercise_checks ORDER BY exercise");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            exercises.Add(new ExerciseProgress(reader.GetString(0), reader.GetString(1), reader.GetInt32(2),
                reader.IsDBNull(3) ? null : Parse(reader.GetString(3)), Parse(reader.GetString(4)), reader.GetInt64(5) != 0));
        }
        return exercises;
    }

    /// <summary>Marks an attempt finished (and whether its time ran out).</summary>
    public void FinishAttempt(long attemptId, bool timedOut = false) =>
        Execute(null, "UPDATE attempts SET finished_utc = $at, timed_out = $out WHERE id = $id", ("$at", Stamp(Now)), ("$out", timedOut ? 1 : 0), ("$id", attemptId));

    /// <summary>The questions in the review schedule, soonest due first, with their box and due time.</summary>
    public IReadOnlyList<(string QuestionId, int Box, DateTimeOffset Due)> ReviewQueue()
    {
        var queue = new List<(string, int, DateTimeOffset)>();
        using var command = Command(null, "SELECT question_id, box, due_utc FROM review ORDER BY due_utc, question_id");
        using var reader = command.ExecuteReader();
        while (reader.Read()) queue.Add((reader.GetString(0), reader.GetInt32(1), Parse(reader.GetString(2))));
        return queue;
    }

    /// <summary>The ids of the questions due for review now.</summary>
    public IReadOnlyList<string> DueForReview()
    {
        var now = Now;
        return ReviewQueue().Where(r => r.Due <= now).Select(r => r.QuestionId).ToList();
    }

    /// <summary>Every attempt, oldest first.</summary>
    public IReadOnlyList<AttemptSummary> Attempts()
    {
        var attempts = new List<AttemptSummary>();
        using var command = Command(null,
            """
            SELECT a.id, a.kind, a.exam, a.topic, a.started_utc, a.finished_utc, a.time_limit_seconds, a.timed_out,
                   COUNT(n.position), COUNT(n.answer), COALESCE(SUM(n.correct), 0)
            FROM attempts a LEFT JOIN answers n ON n.attempt_id = a.id
            GROUP BY a.id ORDER BY a.id
            """);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            attempts.Add(new AttemptSummary(reader.GetInt64(0), Enum.Parse<AttemptKind>(reader.GetString(1)),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                Parse(reader.GetString(4)), reader.IsDBNull(5) ? null : Parse(reader.GetString(5)),
                reader.IsDBNull(6) ? null : TimeSpan.FromSeconds(reader.GetInt64(6)), reader.GetInt64(7) != 0,
                reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10)));
        }
        return attempts;
    }

    /// <summary>The answers stored, in attempt and position order (of one attempt if <paramref name="attemptId"/> is given).</summary>
    public IReadOnlyList<StoredAnswer> Answers(long? attemptId = null)
    {
        var answers = new List<StoredAnswer>();
        using var command = Command(null,
            "SELECT attempt_id, position, question_id, shown_order, answer, correct, flagged, seconds, answered_utc FROM answers WHERE $id IS NULL OR attempt_id = $id ORDER BY attempt_id, position",
            ("$id", attemptId));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            answers.Add(new StoredAnswer(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(5) != 0, reader.GetInt64(6) != 0,
                TimeSpan.FromSeconds(reader.GetDouble(7)), Parse(reader.GetString(8))));
        }
        return answers;
    }

    private (int Box, DateTimeOffset Due)? Review(string questionId, SqliteTransaction transaction)
    {
        using var command = Command(transaction, "SELECT box, due_utc FROM review WHERE question_id = $q", ("$q", questionId));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt32(0), Parse(reader.GetString(1))) : null;
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string stamp) => DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private SqliteCommand Command(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private void Execute(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(null, sql, parameters);
        return command.ExecuteScalar();
    }
}
