using System.Globalization;
using KmsLab.Exam;
using KmsLab.Progress;
using Spectre.Console;

namespace KmsLab.Cli.Exam;

/// <summary>
/// A timed mock exam as the real one runs: every question reachable in any order, answers that can
/// be changed until the end, flags for review, a clock, and a score per domain only at the end
/// (when the candidate submits or the time is up).
/// </summary>
internal sealed class MockExam(IAnsiConsole console, ExamInput input, ProgressStore progress, TimeProvider time, Random random)
{
    private const string Commands = "a letter answers (two for \"choose two\"), Enter or n next, p previous, g N go to question N, f flag, l list, s submit";

    /// <summary>The outcome, for the caller and tests.</summary>
    public sealed record Result(long AttemptId, bool TimedOut, int Right, int Total, IReadOnlyDictionary<string, (int Right, int Total)> ByDomain);

    public async Task<Result> RunAsync(ExamDefinition exam, IReadOnlyList<ExamQuestion> questions)
    {
        var limit = exam.TimeFor(questions.Count);
        var asked = questions.Select(q => AskedQuestion.Shuffle(q, random)).ToArray();
        var answers = new string?[asked.Length];
        var flagged = new bool[asked.Length];
        var spent = new TimeSpan[asked.Length];
        var attempt = progress.StartAttempt(AttemptKind.Mock, exam.Code, timeLimit: limit);
        var deadline = time.GetUtcNow() + limit;

        console.Write(new Rule($"[bold]Mock exam {exam.Code}[/]") { Justification = Justify.Left });
        console.MarkupLine($"{asked.Length} questions in {Clock(limit)}: the real exam's pace ({exam.Questions} questions in {exam.Minutes} minutes).");
        console.MarkupLine($"[dim]{Markup.Escape(Commands)}.[/]");

        int current = 0;
        bool timedOut = false, confirmSubmit = false, show = true;
        while (true)
        {
            var now = time.GetUtcNow();
            if (show)
            {
                var status = $"{Clock(deadline - now)} left · {answers.Count(a => a is not null)} answered · {flagged.Count(f => f)} flagged" + (flagged[current] ? " · FLAGGED" : "");
                QuestionScreen.Show(console, asked[current], $"Question {current + 1} of {asked.Length}", status);
                if (answers[current] is { } given) console.MarkupLine($"[dim]Your answer: {given}.[/]");
            }
            show = true;
            console.Markup("[dim]>[/] ");
            var (late, line) = await input.ReadAsync(deadline);
            console.WriteLine();
            spent[current] += time.GetUtcNow() - now;
            if (late) { timedOut = true; break; }
            if (line is null) break;
            var command = line.Trim();
            var word = command.ToLowerInvariant();
            if (word == "s")
            {
                int blank = answers.Count(a => a is null);
                if (blank == 0 || confirmSubmit) break;
                console.MarkupLine($"{blank} question(s) unanswered. Type s again to submit anyway.");
                confirmSubmit = true;
                show = false;
                continue;
            }
            confirmSubmit = false;
            if (word is "" or "n") current = Math.Min(current + 1, asked.Length - 1);
            else if (word == "p") current = Math.Max(current - 1, 0);
            else if (word == "f") flagged[current] = !flagged[current];
            else if (word == "l") { List(asked, answers, flagged); show = false; }
            else if (word.StartsWith('g') && int.TryParse(word[1..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= asked.Length) current = n - 1;
            else if (asked[current].Normalize(command) is { } letters)
            {
                answers[current] = letters;
                if (current < asked.Length - 1) current++;
                else { List(asked, answers, flagged); show = false; }
            }
            else
            {
                console.MarkupLine($"[dim]Not understood. {Markup.Escape(Commands)}.[/]");
                show = false;
            }
        }

        if (timedOut) console.MarkupLine("[bold]Time is up.[/] The exam is scored as it stands.");
        for (int i = 0; i < asked.Length; i++) progress.RecordAnswer(attempt, i + 1, asked[i], answers[i], flagged[i], spent[i]);
        progress.FinishAttempt(attempt, timedOut);
        return Score(exam, attempt, timedOut, asked, answers, flagged);
    }

    private void List(AskedQuestion[] asked, string?[] answers, bool[] flagged)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("Q").AddColumn("Answer").AddColumn("Flag").AddColumn("Q").AddColumn("Answer").AddColumn("Flag");
        int half = (asked.Length + 1) / 2;
        for (int i = 0; i < half; i++)
        {
            var cells = new List<string> { (i + 1).ToString(CultureInfo.InvariantCulture), answers[i] ?? "-", flagged[i] ? "flag" : "" };
            int j = i + half;
            cells.AddRange(j < asked.Length ? [(j + 1).ToString(CultureInfo.InvariantCulture), answers[j] ?? "-", flagged[j] ? "flag" : ""] : ["", "", ""]);
            table.AddRow(cells.Select(c => new Text(c)).ToArray());
        }
        console.Write(table);
    }

    private Result Score(ExamDefinition exam, long attempt, bool timedOut, AskedQuestion[] asked, string?[] answers, bool[] flagged)
    {
        int right = asked.Where((q, i) => q.IsRight(answers[i])).Count();
        var byDomain = exam.Domains.ToDictionary(d => d.Id, d =>
        {
            var mine = asked.Select((q, i) => (q, i)).Where(x => x.q.Question.DomainFor(exam.Code) == d.Id).ToList();
            return (mine.Count(x => x.q.IsRight(answers[x.i])), mine.Count);
        });

        console.WriteLine();
        console.Write(new Rule($"[bold]Score: {right} of {asked.Length} ({Percent(right, asked.Length)})[/]") { Justification = Justify.Left });
        var table = new Table().Border(TableBorder.Simple).AddColumn("Domain").AddColumn(new TableColumn("Weight").RightAligned()).AddColumn(new TableColumn("Right").RightAligned()).AddColumn(new TableColumn("Score").RightAligned());
        foreach (var d in exam.Domains)
        {
            var (r, t) = byDomain[d.Id];
            table.AddRow(new Text(d.Title), new Text($"{d.WeightPercent}%"), new Text($"{r}/{t}"), new Text(t == 0 ? "-" : Percent(r, t)));
        }
        console.Write(table);

        var missed = Enumerable.Range(0, asked.Length).Where(i => !asked[i].IsRight(answers[i])).ToList();
        var flags = Enumerable.Range(0, asked.Length).Where(i => flagged[i]).Select(i => (i + 1).ToString(CultureInfo.InvariantCulture)).ToList();
        if (flags.Count > 0) console.MarkupLine($"Flagged: questions {string.Join(", ", flags)}.");
        foreach (var i in missed)
        {
            QuestionScreen.Show(console, asked[i], $"Missed: question {i + 1}", asked[i].Question.Id);
            QuestionScreen.Explain(console, asked[i], answers[i]);
        }
        if (missed.Count > 0) console.MarkupLine($"The {missed.Count} missed question(s) are scheduled for review: run [bold]kmslab exam review[/] tomorrow.");
        return new Result(attempt, timedOut, right, asked.Length, byDomain);
    }

    private static string Percent(int right, int total) => total == 0 ? "-" : $"{100 * right / total}%";

    /// <summary>h:mm:ss, or m:ss under an hour.</summary>
    internal static string Clock(TimeSpan left)
    {
        if (left < TimeSpan.Zero) left = TimeSpan.Zero;
        return left.TotalHours >= 1 ? left.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : left.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
