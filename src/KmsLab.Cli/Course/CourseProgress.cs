using System.Globalization;
using KmsLab.Cli.Notebooks;
using KmsLab.Exam;
using KmsLab.Progress;
using Spectre.Console;

namespace KmsLab.Cli.Course;

/// <summary>
/// <c>kmslab progress</c>: where a learner stands in the course — per lesson, the exercise's check
/// (passed, tried, not tried) and the lesson's questions (right of asked, latest answer each) — from
/// the progress file the lessons write, plus a line on exam practice.
/// </summary>
internal static class CourseProgress
{
    public static void Show(IAnsiConsole console, ProgressStore progress, ExamBank bank, IReadOnlyList<LessonEntry> lessons)
    {
        console.Write(new Rule("[bold]Your course progress[/]") { Justification = Justify.Left });
        console.MarkupLine($"[dim]{Markup.Escape(progress.Path)}[/]");
        var exercises = progress.Exercises().ToDictionary(e => e.Exercise, StringComparer.Ordinal);
        var attempts = progress.Attempts();
        var answers = progress.Answers();
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Lesson").AddColumn("Exercise").AddColumn(new TableColumn("Questions").RightAligned());
        int done = 0;
        foreach (var lesson in lessons)
        {
            var exercise = exercises.GetValueOrDefault(lesson.Number);
            if (exercise?.Done == true) done++;
            table.AddRow(new Text($"{lesson.Number} {lesson.Title}"), new Text(Exercise(exercise)), new Text(Questions(lesson, bank, attempts, answers)));
        }
        console.Write(table);
        console.MarkupLine($"Exercises done: [bold]{done} of {lessons.Count}[/]."); // every lesson has one (LessonSyncTests)
        var practice = attempts.Count(a => a.Kind != AttemptKind.Lesson);
        console.MarkupLine(practice == 0
            ? "Exam practice: none yet ([bold]kmslab exam practice[/], [bold]kmslab exam mock --exam SCS-C03[/])."
            : $"Exam practice: {practice} attempt(s); [bold]kmslab exam stats[/] shows them.");
    }

    private static string Exercise(ExerciseProgress? exercise) => exercise switch
    {
        null => "-",
        { FirstPassed: { } passed } => $"✔ passed {passed.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" + (exercise.LastPassed ? "" : " (last check failed)"),
        _ => $"✘ not yet ({exercise.Checks} check{(exercise.Checks == 1 ? "" : "s")})",
    };

    // The lesson's checkpoint questions, each counted by its latest answer in the lesson's quizzes.
    private static string Questions(LessonEntry lesson, ExamBank bank, IReadOnlyList<AttemptSummary> attempts, IReadOnlyList<StoredAnswer> answers)
    {
        var asked = bank.CheckpointsFor(Path.GetFileNameWithoutExtension(lesson.FileName)).Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
        if (asked.Count == 0) return "-";
        var quizzes = attempts.Where(a => a.Kind == AttemptKind.Lesson && a.Topic == "lesson " + lesson.Number).Select(a => a.Id).ToHashSet();
        var latest = answers.Where(a => quizzes.Contains(a.AttemptId) && asked.Contains(a.QuestionId) && a.Answer is not null)
            .GroupBy(a => a.QuestionId).Select(g => g.MaxBy(a => a.AnsweredAt)!).ToList();
        return latest.Count == 0 ? $"0 of {asked.Count} answered" : $"{latest.Count(a => a.Correct)}/{asked.Count} right";
    }
}
