using System.Globalization;
using System.Net;
using System.Text;
using KmsLab.Cli.Course;
using KmsLab.Lessons;
using KmsLab.Progress;

namespace KmsLab.Cli.Classroom;

/// <summary>
/// <c>kmslab class report</c>'s two files: a CSV with one row per student and lesson (for a
/// spreadsheet or a gradebook) and a self-contained HTML page (plotly.js embedded, no network) with
/// a chart of how many students passed, tried or have not started each lesson's exercise, and a
/// table of who finished which lesson.
/// </summary>
internal static class ClassReport
{
    /// <summary>The CSV's header row, in column order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["student", "lesson", "title", "exercise", "checks", "first_passed_utc", "last_checked_utc", "questions_right", "questions_answered", "questions_asked"];

    public static void WriteCsv(IReadOnlyList<StudentProgress> students, TextWriter writer)
    {
        CsvRows.Write(writer, Columns);
        foreach (var student in students)
        {
            foreach (var lesson in student.Lessons)
            {
                CsvRows.Write(writer,
                [
                    student.Student.Name, lesson.Lesson.Number, lesson.Lesson.Title, StateName(lesson.State),
                    Num(lesson.Exercise?.Checks ?? 0), Iso(lesson.Exercise?.FirstPassed), Iso(lesson.Exercise?.LastChecked),
                    Num(lesson.QuestionsRight), Num(lesson.QuestionsAnswered), Num(lesson.QuestionsAsked),
                ]);
            }
        }
    }

    public static string Html(IReadOnlyList<StudentProgress> students, DateTimeOffset made)
    {
        var lessons = students.FirstOrDefault()?.Lessons.Select(l => l.Lesson).ToList() ?? [];
        int Count(int lesson, ExerciseState state) => students.Count(s => s.Lessons[lesson].State == state);
        ChartHtml.NewPage();
        // Not started is the rest of the class: the chart shows the two that need the instructor's eye.
        var chart = Charts.Columns($"Lesson exercises across the class ({students.Count} students)", "lesson", "students", [.. lessons.Select(l => l.Number)],
            ("passed", [.. lessons.Select((_, i) => (double)Count(i, ExerciseState.Passed))]),
            ("tried, not passed yet", [.. lessons.Select((_, i) => (double)Count(i, ExerciseState.Tried))]));
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>KmsLab class report</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222} table{border-collapse:collapse;margin-top:12px}")
            .Append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:center} th.name,td.name{text-align:left}")
            .Append("td.passed{background:#c8ecc8} td.tried{background:#fbe3b4} td.notstarted{color:#999} td.problem{color:#a00;text-align:left}")
            .Append("</style></head><body>\n")
            .Append("<h1>KmsLab class report</h1>\n")
            .Append(CultureInfo.InvariantCulture, $"<p>{students.Count} student(s), {lessons.Count} lessons; made {Stamp(made)} from each student's progress file.</p>\n")
            .Append(chart.ToHtml()).Append('\n')
            .Append("<h2>Who finished which lesson</h2>\n<p>✔ exercise passed · ✘ tried, not passed yet · – not started; below each mark, the lesson's questions answered right.</p>\n")
            .Append("<table><thead><tr><th class=\"name\">student</th>");
        foreach (var lesson in lessons) html.Append(CultureInfo.InvariantCulture, $"<th title=\"{Encode(lesson.Title)}\">{Encode(lesson.Number)}</th>");
        html.Append("<th>passed</th><th>last activity</th></tr></thead><tbody>\n");
        foreach (var student in students)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"name\">{Encode(student.Student.Name)}</td>");
            if (student.Problem is { } problem)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"problem\" colspan=\"{lessons.Count + 2}\">{Encode(problem)}</td></tr>\n");
                continue;
            }
            foreach (var lesson in student.Lessons)
            {
                var (css, mark) = lesson.State switch
                {
                    ExerciseState.Passed => ("passed", "✔"),
                    ExerciseState.Tried => ("tried", "✘"),
                    _ => ("notstarted", "–"),
                };
                var questions = lesson.QuestionsAnswered > 0 ? $"<br><small>{lesson.QuestionsRight}/{lesson.QuestionsAsked}</small>" : "";
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"{css}\" title=\"{Encode(lesson.Lesson.Title)}: {StateName(lesson.State)}\">{mark}{questions}</td>");
            }
            html.Append(CultureInfo.InvariantCulture, $"<td>{student.Lessons.Count(l => l.State == ExerciseState.Passed)}</td><td>{Stamp(student.LastActivity)}</td></tr>\n");
        }
        html.Append("</tbody></table>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>The exercise column's words: passed, tried, not started.</summary>
    public static string StateName(ExerciseState state) => state switch
    {
        ExerciseState.Passed => "passed",
        ExerciseState.Tried => "tried",
        _ => "not started",
    };

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset? at) => at is { } a ? a.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    private static string Stamp(DateTimeOffset? at) => at is { } a ? a.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "";
}
