using KmsLab.Cli.Commands;
using KmsLab.Cli.Exam;
using KmsLab.Exam;
using KmsLab.Progress;
using KmsLab.Tests.Lessons;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Testing;

namespace KmsLab.Tests.Cli;

/// <summary><c>kmslab class report</c> over a made-up class: a group and homes in a folder of this test's own.</summary>
public sealed class ClassReportCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kmslab-class-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));

    public ClassReportCommandTests()
    {
        Directory.CreateDirectory(Etc);
        File.WriteAllLines(Path.Combine(Etc, "group"), ["root:x:0:", "kmslab-students:x:1001:cleo,dan", "teachers:x:1002:eve"]);
        File.WriteAllLines(Path.Combine(Etc, "passwd"),
        [
            "root:x:0:0:root:/root:/bin/bash",
            $"cleo:x:1101:1101::{Home("cleo")}:/bin/bash",
            $"dan:x:1102:1102::{Home("dan")}:/bin/bash",
            $"fay:x:1103:1001::{Home("fay")}:/bin/bash",          // the group is her primary group
            $"eve:x:1104:1104::{Home("eve")}:/bin/bash",
        ]);
        foreach (var name in new[] { "cleo", "dan", "fay", "eve" }) Directory.CreateDirectory(Home(name));
    }

    private string Etc => Path.Combine(_root, "etc");

    private string Home(string name) => Path.Combine(_root, "home", name);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (int Exit, string Output, string Error) Run(params string[] args)
    {
        var console = new TestConsole().Width(140);
        var error = new StringWriter();
        var command = ClassCommand.Create(() => new ExamEnvironment(console, new StringReader(""), error, _time), () => Repository.Root, Path.Combine(_root, "no-bundle"), Etc);
        return (command.Parse(["report", .. args]).Invoke(), console.Output, error.ToString());
    }

    [Fact]
    public void The_report_lists_the_groups_students_with_each_lessons_exercise_and_questions()
    {
        using (var cleo = ProgressStore.Open(ProgressStore.InHome(Home("cleo")), _time))
        {
            cleo.RecordCheck("03", "Exercise 03", passed: false);
            cleo.RecordCheck("03", "Exercise 03", passed: true);
            cleo.RecordCheck("05", "Exercise 05", passed: false);
            var asked = AskedQuestion.Shuffle(ExamBank.Default.CheckpointsFor("03-encrypt-decrypt")[0], new Random(3));
            var attempt = cleo.StartAttempt(AttemptKind.Lesson, topic: "lesson 03");
            cleo.RecordAnswer(attempt, 1, asked, asked.CorrectLetters, flagged: false, TimeSpan.FromSeconds(20));
        }
        var danFile = ProgressStore.InHome(Home("dan"));
        Directory.CreateDirectory(Path.GetDirectoryName(danFile)!);
        File.WriteAllText(danFile, "not a database");
        var before = Directory.GetFiles(Path.GetDirectoryName(ProgressStore.InHome(Home("cleo")))!).Order().ToList();

        var output = Path.Combine(_root, "out");
        var (exit, console, error) = Run("--out", output);

        Assert.True(exit == 0, error);
        var rows = File.ReadAllLines(Path.Combine(output, "class-report.csv"));
        int lessons = Repository.LessonFiles.Count();
        Assert.Equal(string.Join(',', KmsLab.Cli.Classroom.ClassReport.Columns), rows[0]);
        Assert.Equal(1 + 3 * lessons, rows.Length);                                   // cleo, dan and fay; not eve
        var cleo03 = rows.Single(r => r.StartsWith("cleo,03,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(["passed", "2", "2026-12-04T09:00:00Z", "2026-12-04T09:00:00Z", "1", "1", "3"], cleo03[^7..]);                 // the title, quoted, holds a comma
        Assert.Equal("tried", rows.Single(r => r.StartsWith("cleo,05,", StringComparison.Ordinal)).Split(",")[^7]);
        Assert.All(rows.Where(r => r.StartsWith("fay,", StringComparison.Ordinal)), r => Assert.Equal("not started", r.Split(",")[^7]));
        Assert.DoesNotContain(rows, r => r.StartsWith("eve,", StringComparison.Ordinal));

        var html = File.ReadAllText(Path.Combine(output, "class-report.html"));
        Assert.Contains("<td class=\"name\">cleo</td>", html, StringComparison.Ordinal);
        Assert.Contains("not a KmsLab progress database", html, StringComparison.Ordinal);     // dan's file, shown, not fatal
        Assert.Contains(KmsLab.Lessons.ChartHtml.PlotlyJsMarker, html, StringComparison.Ordinal);  // self-contained
        Assert.Matches($@"cleo\s+1 of {lessons}\s+1\s", console);
        // Read from a copy: nothing new in a student's folder.
        Assert.Equal(before, Directory.GetFiles(Path.GetDirectoryName(ProgressStore.InHome(Home("cleo")))!).Order().ToList());
    }

    [Fact]
    public void A_folder_of_homes_and_a_chosen_student_narrow_the_class()
    {
        var output = Path.Combine(_root, "out");
        var (exit, _, error) = Run("--homes", Path.Combine(_root, "home"), "--student", "eve", "--out", output);
        Assert.True(exit == 0, error);
        var rows = File.ReadAllLines(Path.Combine(output, "class-report.csv"));
        Assert.All(rows.Skip(1), r => Assert.StartsWith("eve,", r, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--group", "nobody", "no group 'nobody'")]
    [InlineData("--student", "zed", "Not in the class: zed.")]
    [InlineData("--homes", "/nonexistent/homes", "no folder '/nonexistent/homes'")]
    public void An_unknown_group_student_or_folder_is_a_usage_error(string option, string value, string message)
    {
        var (exit, _, error) = Run(option, value, "--out", Path.Combine(_root, "out"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "out", "class-report.csv")));
    }
}
