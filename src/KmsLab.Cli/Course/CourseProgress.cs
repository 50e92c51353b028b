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
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Lesson").AddColumn("Exercise").AddColumn(new TableColumn("Questions").RightAligned());
        var standings = LessonStanding.Of(progress, bank, lessons);
        foreach (var standing in standings)
            table.AddRow(new Text($"{standing.Lesson.Number} {standing.Lesson.Title}"), new Text(Exercise(standing.Exercise)), new Text(Questions(standing)));
        console.Write(table);
        console.MarkupLine($"Exercises done: [bold]{standings.Count(s => s.State == ExerciseState.Passed)} of {lessons.Count}[/]."); // every lesson has one (LessonSyncTests)
        var practice = progress.Attempts().Count(a => a.Kind != AttemptKind.Lesson);
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

    private static string Questions(LessonStanding standing) => standing switch
    {
        { QuestionsAsked: 0 } => "-",
        { QuestionsAnswered: 0 } => $"0 of {standing.QuestionsAsked} answered",
        _ => $"{standing.QuestionsRight}/{standing.QuestionsAsked} right",
    };
}
