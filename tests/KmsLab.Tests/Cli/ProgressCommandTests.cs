using KmsLab.Cli.Commands;
using KmsLab.Cli.Exam;
using KmsLab.Exam;
using KmsLab.Lessons;
using KmsLab.Progress;
using KmsLab.Tests.Lessons;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Testing;

namespace KmsLab.Tests.Cli;

/// <summary><c>kmslab progress</c>, and the exercise checks that feed it.</summary>
public sealed class ProgressCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kmslab-progress-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));

    private string ProgressFile => Path.Combine(_folder, "progress.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (int Exit, string Output, string Error) Run()
    {
        var console = new TestConsole().Width(120);
        var error = new StringWriter();
        var command = ProgressCommand.Create(() => new ExamEnvironment(console, new StringReader(""), error, _time), () => Repository.Root, Path.Combine(_folder, "no-bundle"));
        var exit = command.Parse(["--progress", ProgressFile]).Invoke();
        return (exit, console.Output, error.ToString());
    }

    private static string Line(string output, string lesson) => output.Split('\n').Single(l => l.TrimStart().StartsWith(lesson, StringComparison.Ordinal));

    [Fact]
    public void Each_lesson_shows_its_exercise_and_its_questions_as_the_learner_left_them()
    {
        var fresh = Run();
        Assert.Equal(0, fresh.Exit);
        Assert.Contains("0 of 3 answered", Line(fresh.Output, "03 Encrypt"), StringComparison.Ordinal);
        Assert.Contains($"Exercises done: 0 of {Repository.LessonFiles.Count()}.", fresh.Output, StringComparison.Ordinal);

        using (var store = ProgressStore.Open(ProgressFile, _time))
        {
            store.RecordCheck("03", "Exercise 03 — bind a record to its tenant", passed: false);
            _time.Advance(TimeSpan.FromMinutes(5));
            store.RecordCheck("03", "Exercise 03 — bind a record to its tenant", passed: true);
            store.RecordCheck("14", "Exercise 14 — where should the key material live?", passed: false);
            store.RecordCheck("14", "Exercise 14 — where should the key material live?", passed: false);
            // Lesson 03's quiz: question 1 wrong, then right; question 2 wrong.
            var quiz = ExamBank.Default.CheckpointsFor("03-encrypt-decrypt").Select(q => AskedQuestion.Shuffle(q, new Random(1))).ToList();
            var attempt = store.StartAttempt(AttemptKind.Lesson, topic: "lesson 03");
            string Wrong(AskedQuestion q) => q.CorrectLetters == "A" ? "B" : "A";
            store.RecordAnswer(attempt, 1, quiz[0], Wrong(quiz[0]), flagged: false, TimeSpan.Zero);
            _time.Advance(TimeSpan.FromMinutes(1));
            store.RecordAnswer(attempt, 1, quiz[0], quiz[0].CorrectLetters, flagged: false, TimeSpan.Zero);
            store.RecordAnswer(attempt, 2, quiz[1], Wrong(quiz[1]), flagged: false, TimeSpan.Zero);
            store.StartAttempt(AttemptKind.Practice);
        }

        var (exit, output, _) = Run();
        Assert.Equal(0, exit);
        var three = Line(output, "03 Encrypt");
        Assert.Contains("✔ passed 2026-12-03", three, StringComparison.Ordinal);
        Assert.Contains("1/3 right", three, StringComparison.Ordinal);
        Assert.Contains("✘ not yet (2 checks)", Line(output, "14 Custom key stores"), StringComparison.Ordinal);
        Assert.Contains($"Exercises done: 1 of {Repository.LessonFiles.Count()}.", output, StringComparison.Ordinal);
        Assert.Contains("Exam practice: 1 attempt(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_first_pass_is_kept_when_a_later_check_fails()
    {
        using var store = ProgressStore.Open(ProgressFile, _time);
        store.RecordCheck("05", "Exercise 05", passed: true);
        store.RecordCheck("05", "Exercise 05", passed: false);
        var five = Assert.Single(store.Exercises());
        Assert.True(five.Done);
        Assert.False(five.LastPassed);
        Assert.Equal(2, five.Checks);
    }

    [Fact]
    public void A_check_in_a_lesson_records_its_verdict_in_the_progress_file()
    {
        // The tests' progress file (TestProgressFile); exercise 98 is this test's alone.
        var verdict = CheckResult.NotYet("Exercise 98 — only in this test", "not yet", "a hint");
        Assert.Null(verdict.SaveProblem);
        CheckResult.Pass("Exercise 98 — only in this test", "done");
        using var store = ProgressStore.Open();
        var entry = Assert.Single(store.Exercises(), e => e.Exercise == "98");
        Assert.True(entry.Done);
        Assert.True(entry.Checks >= 2);
        Assert.Equal("14", CheckResult.KeyOf("Exercise 14 — where should the key material live?"));
        Assert.Equal("Terminal lab", CheckResult.KeyOf("Terminal lab"));
    }

    [Fact]
    public void A_skipped_check_records_nothing()
    {
        // Exercise 97 is this test's alone: a check that cannot run where the lesson runs leaves the exercise not started.
        var skipped = SimulatorOnly.Skipped("Exercise 97 — only in this test", "do it in the console.");
        Assert.True(skipped.Skipped);
        Assert.False(skipped.Passed);
        Assert.StartsWith("⏭ Exercise 97 — only in this test: skipped.", skipped.ToPlainText(), StringComparison.Ordinal);
        using var store = ProgressStore.Open();
        Assert.DoesNotContain(store.Exercises(), e => e.Exercise == "97");
    }

    [Fact]
    public void An_unusable_progress_file_is_refused_and_left_as_it_is()
    {
        File.WriteAllText(ProgressFile, "not a database, but my notes");
        var (exit, _, error) = Run();
        Assert.Equal(1, exit);
        Assert.Contains("kmslab progress:", error, StringComparison.Ordinal);
        Assert.Equal("not a database, but my notes", File.ReadAllText(ProgressFile));
    }
}
