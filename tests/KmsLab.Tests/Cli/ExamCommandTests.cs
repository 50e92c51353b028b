using System.CommandLine;
using KmsLab.Cli.Commands;
using KmsLab.Cli.Exam;
using KmsLab.Exam;
using KmsLab.Progress;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Testing;

namespace KmsLab.Tests.Cli;

/// <summary><c>kmslab exam</c> driven end to end through its input and output, with a fake clock: no keyboard, no waiting.</summary>
public sealed class ExamCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kmslab-exam-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));

    private string ProgressFile => Path.Combine(_folder, "progress.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Lines as typed; <c>!wait 13m</c> moves the clock on while the candidate thinks, before the next line arrives.</summary>
    private sealed class Keyboard(FakeTimeProvider time, params string[] lines) : TextReader
    {
        private readonly Queue<string> _lines = new(lines);

        public override string? ReadLine()
        {
            while (_lines.TryDequeue(out var line))
            {
                if (!line.StartsWith("!wait ", StringComparison.Ordinal)) return line;
                var amount = line["!wait ".Length..];
                time.Advance(amount.EndsWith('m') ? TimeSpan.FromMinutes(int.Parse(amount[..^1], System.Globalization.CultureInfo.InvariantCulture)) : TimeSpan.FromDays(int.Parse(amount[..^1], System.Globalization.CultureInfo.InvariantCulture)));
            }
            return null;
        }
    }

    private async Task<(int Exit, string Output, string Error)> Run(string[] args, params string[] keys)
    {
        var console = new TestConsole().Width(80);
        var error = new StringWriter();
        var command = ExamCommand.Create(() => new ExamEnvironment(console, new Keyboard(_time, keys), error, _time));
        var exit = await command.Parse([.. args, "--progress", ProgressFile]).InvokeAsync();
        return (exit, console.Output, error.ToString());
    }

    /// <summary>The output with its line wrapping undone, to find a sentence wherever 80 columns broke it.</summary>
    private static string Flat(string output) => string.Join(' ', output.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The questions and the letters a mock exam with <paramref name="seed"/> shows: the same draws the command makes.</summary>
    private static AskedQuestion[] MockAsWillBeShown(string exam, int count, int seed)
    {
        var random = new Random(seed);
        var questions = QuestionDraw.Mock(ExamBank.Default, ExamCatalog.Find(exam)!, count, random);
        return questions.Select(q => AskedQuestion.Shuffle(q, random)).ToArray();
    }

    private static string Wrong(AskedQuestion q) =>
        q.Question.IsChooseTwo ? "AB" == q.CorrectLetters ? "AC" : "AB" : q.CorrectLetters == "A" ? "B" : "A";

    [Fact]
    public async Task A_mock_exam_is_answered_in_any_order_flagged_timed_out_and_scored_per_domain()
    {
        var shown = MockAsWillBeShown("DVA-C02", 6, seed: 7);
        // 6 questions at DVA-C02's pace (130 minutes for 65) is 12 minutes.
        var (exit, output, error) = await Run(["mock", "--exam", "DVA-C02", "--count", "6", "--seed", "7"],
            shown[0].CorrectLetters,          // Q1 right, on to Q2
            Wrong(shown[1]),                  // Q2 wrong, on to Q3
            "f",                              // flag Q3
            "p",                              // back to Q2
            shown[1].CorrectLetters,          // change Q2 to right, on to Q3
            "g 5",                            // jump to Q5
            "!wait 5m", shown[4].CorrectLetters, // Q5 right after five minutes
            "l",                              // the overview
            "!wait 8m", shown[5].CorrectLetters); // Q6 answered after the bell: not counted
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("6 questions in 12:00", output, StringComparison.Ordinal);
        Assert.Contains("Time is up.", output, StringComparison.Ordinal);
        Assert.Contains("Score: 3 of 6 (50%)", output, StringComparison.Ordinal);
        Assert.Contains("Flagged: questions 3.", output, StringComparison.Ordinal);
        Assert.Contains("FLAGGED", output, StringComparison.Ordinal);
        Assert.Contains("7:00 left", output, StringComparison.Ordinal);

        // The per-domain table: each domain's right/asked as the drawn questions make it.
        var answered = new[] { 0, 1, 4 };
        foreach (var domain in ExamCatalog.Developer.Domains)
        {
            int asked = shown.Count(q => q.Question.DomainFor("DVA-C02") == domain.Id);
            int right = answered.Count(i => shown[i].Question.DomainFor("DVA-C02") == domain.Id);
            Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(domain.Title)}\s+{domain.WeightPercent}%\s+{right}/{asked}", output);
        }
        Assert.True(output.Split('\n').All(l => l.TrimEnd().Length <= 80), "a line is wider than 80 columns");

        // Progress survives a restart: a new process (a new store) finds the attempt and its answers.
        using (var store = ProgressStore.Open(ProgressFile, _time))
        {
            var attempt = Assert.Single(store.Attempts());
            Assert.Equal((AttemptKind.Mock, "DVA-C02", true, 3, 3, TimeSpan.FromMinutes(12)), (attempt.Kind, attempt.Exam, attempt.TimedOut, attempt.Answered, attempt.Right, attempt.TimeLimit!.Value));
            var answers = store.Answers(attempt.Id);
            Assert.Equal(6, answers.Count);
            Assert.Equal([3], answers.Where(a => a.Flagged).Select(a => a.Position));
            Assert.Null(answers[5].Answer);
            Assert.Equal(TimeSpan.FromMinutes(5), answers[4].Time);
            // The three missed (one flagged, all unanswered) wait in box 1 for tomorrow.
            Assert.Equal(3, store.ReviewQueue().Count(r => r.Box == 1 && r.Due == _time.GetUtcNow() + TimeSpan.FromDays(1)));
        }
        var stats = await Run(["stats"]);
        Assert.Equal(0, stats.Exit);
        Assert.Contains("mock (time up)", stats.Output, StringComparison.Ordinal);
        Assert.Contains("3/6 (50%)", stats.Output, StringComparison.Ordinal);
        Assert.Contains("3 question(s) (box 1: 3", Flat(stats.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submitting_with_blanks_asks_again_and_all_answered_scores_without_a_time_out()
    {
        var shown = MockAsWillBeShown("SCS-C03", 3, seed: 11);
        var (exit, output, _) = await Run(["mock", "--exam", "SCS-C03", "--count", "3", "--seed", "11"],
            shown[0].CorrectLetters, "s", "s");
        Assert.Equal(0, exit);
        Assert.Contains("2 question(s) unanswered. Type s again to submit anyway.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Time is up", output, StringComparison.Ordinal);
        Assert.Contains("Score: 1 of 3 (33%)", output, StringComparison.Ordinal);
        using var store = ProgressStore.Open(ProgressFile, _time);
        Assert.False(store.Attempts().Single().TimedOut);
    }

    [Fact]
    public async Task Review_brings_a_missed_question_back_the_next_day_and_moves_it_up_a_box()
    {
        var shown = MockAsWillBeShown("SAA-C03", 1, seed: 5);
        await Run(["mock", "--exam", "SAA-C03", "--count", "1", "--seed", "5"], Wrong(shown[0]));
        var early = await Run(["review"]);
        Assert.Contains("Nothing due yet. Next review: 2026-12-04 09:00 UTC", early.Output, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromDays(1));
        var random = new Random(9);
        var again = AskedQuestion.Shuffle(shown[0].Question, random);
        var review = await Run(["review", "--seed", "9"], again.CorrectLetters);
        Assert.Contains("1 question(s) due for review.", review.Output, StringComparison.Ordinal);
        Assert.Contains("Right. The answer is", review.Output, StringComparison.Ordinal);
        using var store = ProgressStore.Open(ProgressFile, _time);
        var (id, box, due) = Assert.Single(store.ReviewQueue());
        Assert.Equal((shown[0].Question.Id, 2, _time.GetUtcNow() + TimeSpan.FromDays(2)), (id, box, due));
    }

    [Fact]
    public async Task Practice_explains_each_answer_and_says_how_to_prove_it()
    {
        var proven = ExamBank.Default.Question(QuestionDemonstrations.QuestionIds[0]);
        var random = new Random(3);
        var questions = QuestionDraw.Practice(ExamBank.Default, proven.Topic, null, null, 50, random);
        var asked = questions.Select(q => AskedQuestion.Shuffle(q, random)).ToList();
        var keys = asked.Select(q => q.CorrectLetters).ToArray();
        var (exit, output, _) = await Run(["practice", "--topic", proven.Topic, "--count", "50", "--seed", "3"], ["x", .. keys]);
        Assert.Equal(0, exit);
        Assert.Contains("Type one letter", output, StringComparison.Ordinal);
        Assert.Contains($"{questions.Count} of {questions.Count} right (100%)", output, StringComparison.Ordinal);
        Assert.Contains($"kmslab exam prove {proven.Id}", Flat(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prove_runs_a_questions_demonstration()
    {
        var id = QuestionDemonstrations.QuestionIds[0];
        var (exit, output, _) = await Run(["prove", id]);
        Assert.Equal(0, exit);
        Assert.Contains("On the simulator:", output, StringComparison.Ordinal);
        Assert.Equal(2, (await Run(["prove", "no.such-question"])).Exit);
    }

    [Fact]
    public async Task Export_writes_one_csv_row_per_answer()
    {
        var shown = MockAsWillBeShown("DVA-C02", 2, seed: 1);
        await Run(["mock", "--exam", "DVA-C02", "--count", "2", "--seed", "1"], shown[0].CorrectLetters, shown[1].CorrectLetters, "s");
        var csv = Path.Combine(_folder, "attempts.csv");
        Assert.Equal(0, (await Run(["export", "--output", csv])).Exit);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(string.Join(',', AttemptCsv.Columns), lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("1,mock,DVA-C02,,2026-12-03T09:00:00Z,", lines[1], StringComparison.Ordinal);
        Assert.Contains($",1,{shown[0].Question.Id},{shown[0].CorrectLetters},1,0,", lines[1], StringComparison.Ordinal);
    }

    public static TheoryData<string, string> UnusableFiles() => new()
    {
        { "garbage", "is not a SQLite file at all" },
        { "foreign", "is a SQLite database of another program" },
        { "damaged", "is damaged" },
    };

    [Theory]
    [MemberData(nameof(UnusableFiles))]
    public async Task An_unusable_progress_file_is_refused_clearly_and_left_untouched(string kind, string says)
    {
        switch (kind)
        {
            case "garbage":
                File.WriteAllText(ProgressFile, "my exam notes, not a database\n");
                break;
            case "foreign":
                using (var other = new SqliteConnection($"Data Source={ProgressFile};Pooling=False"))
                {
                    other.Open();
                    using var create = other.CreateCommand();
                    create.CommandText = "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');";
                    create.ExecuteNonQuery();
                }
                break;
            case "damaged":
                using (var store = ProgressStore.Open(ProgressFile, _time)) store.StartAttempt(AttemptKind.Practice);
                var bytes = File.ReadAllBytes(ProgressFile);
                // Keep SQLite's header and page size, wreck the schema page.
                for (int i = 100; i < Math.Min(bytes.Length, 4096); i++) bytes[i] = 0xA5;
                File.WriteAllBytes(ProgressFile, bytes);
                break;
        }
        var before = File.ReadAllBytes(ProgressFile);
        var (exit, _, error) = await Run(["stats"]);
        Assert.Equal(1, exit);
        Assert.Contains(says, error, StringComparison.Ordinal);
        Assert.Contains("It was left as it is", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(ProgressFile));
        Assert.False(File.Exists(ProgressFile + "-wal") && new FileInfo(ProgressFile + "-wal").Length > 0);
    }

    [Fact]
    public async Task A_malformed_instructor_file_is_refused_with_its_file_and_line()
    {
        var bank = Directory.CreateDirectory(Path.Combine(_folder, "bank")).FullName;
        File.WriteAllText(Path.Combine(bank, "mine.json"), "{\n  \"topic\": \"mine\",\n  \"title\": \"Mine\",\n  \"questions\": [\n    { \"id\": \"mine.one\" }\n  ]\n}\n");
        var (exit, _, error) = await Run(["check", bank]);
        Assert.Equal(2, exit);
        Assert.Contains(Path.Combine(bank, "mine.json") + ":5: question mine.one: \"stem\" is missing", error, StringComparison.Ordinal);
        Assert.Equal(2, (await Run(["practice", "--bank", bank])).Exit);
    }
}
