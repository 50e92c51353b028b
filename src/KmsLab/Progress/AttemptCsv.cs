using System.Globalization;

namespace KmsLab.Progress;

/// <summary><c>kmslab exam export</c>: every stored answer with its attempt, as CSV (RFC 4180), for a spreadsheet or an instructor.</summary>
public static class AttemptCsv
{
    /// <summary>The header row, in column order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["attempt", "kind", "exam", "topic", "started_utc", "finished_utc", "timed_out", "position", "question", "answer", "correct", "flagged", "seconds", "answered_utc"];

    /// <summary>Writes <paramref name="store"/>'s attempts, one row per answer (an attempt without answers gets one row with empty answer columns).</summary>
    public static void Write(ProgressStore store, TextWriter writer)
    {
        CsvRows.Write(writer, Columns);
        var answers = store.Answers().ToLookup(a => a.AttemptId);
        foreach (var attempt in store.Attempts())
        {
            string[] head =
            [
                Num(attempt.Id), attempt.Kind.ToString().ToLowerInvariant(), attempt.Exam ?? "", attempt.Topic ?? "",
                Stamp(attempt.Started), attempt.Finished is { } f ? Stamp(f) : "", attempt.TimedOut ? "1" : "0",
            ];
            var rows = answers[attempt.Id].ToList();
            if (rows.Count == 0) Row(writer, [.. head, "", "", "", "", "", "", ""]);
            foreach (var a in rows)
                Row(writer, [.. head, Num(a.Position), a.QuestionId, a.Answer ?? "", a.Correct ? "1" : "0", a.Flagged ? "1" : "0",
                    a.Time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture), Stamp(a.AnsweredAt)]);
        }
    }

    private static void Row(TextWriter writer, IEnumerable<string> cells) => CsvRows.Write(writer, cells);

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
