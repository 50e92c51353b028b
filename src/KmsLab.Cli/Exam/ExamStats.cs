using System.Globalization;
using KmsLab.Exam;
using KmsLab.Progress;
using Spectre.Console;

namespace KmsLab.Cli.Exam;

/// <summary><c>kmslab exam stats</c>: where a learner stands — recent attempts, answers per day, the score per domain of each exam, and the review schedule.</summary>
internal static class ExamStats
{
    public static void Show(IAnsiConsole console, ProgressStore progress, ExamBank bank, TimeProvider time)
    {
        var attempts = progress.Attempts();
        var answers = progress.Answers().Where(a => a.Answer is not null || a.Correct).ToList();
        console.Write(new Rule("[bold]Your progress[/]") { Justification = Justify.Left });
        console.MarkupLine($"[dim]{Markup.Escape(progress.Path)}[/]");
        if (attempts.Count == 0)
        {
            console.MarkupLine("No attempts yet. Start with [bold]kmslab exam practice[/] or [bold]kmslab exam mock --exam SCS-C03[/].");
            return;
        }

        var recent = new Table().Border(TableBorder.Simple).Title("Recent attempts")
            .AddColumn("Date (UTC)").AddColumn("Kind").AddColumn("On").AddColumn(new TableColumn("Score").RightAligned());
        foreach (var a in attempts.TakeLast(10))
        {
            var score = a.Questions == 0 ? "-" : $"{a.Right}/{a.Questions} ({100 * a.Right / a.Questions}%)";
            recent.AddRow(new Text(a.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)), new Text(a.Kind.ToString().ToLowerInvariant() + (a.TimedOut ? " (time up)" : "")),
                new Text(a.Exam ?? a.Topic ?? "all topics"), new Text(score));
        }
        console.Write(recent);

        var days = answers.GroupBy(a => DateOnly.FromDateTime(a.AnsweredAt.UtcDateTime)).OrderBy(g => g.Key).TakeLast(14).ToList();
        if (days.Count > 0)
        {
            var chart = new BarChart().Label("[bold]Right answers per day, %[/] (answers given)").Width(Math.Min(console.Profile.Width, 78)).WithMaxValue(100);
            foreach (var day in days)
                chart.AddItem($"{day.Key:MM-dd} ({day.Count()})", Math.Round(100.0 * day.Count(a => a.Correct) / day.Count()), Color.Default);
            console.Write(chart);
        }

        foreach (var exam in ExamCatalog.All)
        {
            var scores = DomainScore.For(progress, bank, exam);
            if (scores.All(s => s.Answered == 0)) continue;
            var table = new Table().Border(TableBorder.Simple).Title($"{exam.Code}: score per domain, every answer")
                .AddColumn("Domain").AddColumn(new TableColumn("Weight").RightAligned()).AddColumn(new TableColumn("Right").RightAligned()).AddColumn(new TableColumn("Score").RightAligned());
            foreach (var s in scores)
                table.AddRow(new Text(s.Domain.Title), new Text($"{s.Domain.WeightPercent}%"), new Text($"{s.Right}/{s.Answered}"), new Text(s.Answered == 0 ? "-" : $"{Math.Round(100 * s.Share)}%"));
            console.Write(table);
        }

        var queue = progress.ReviewQueue();
        var now = time.GetUtcNow();
        if (queue.Count == 0) console.MarkupLine("Review schedule: empty (no missed question waiting).");
        else
        {
            var boxes = string.Join(", ", Enumerable.Range(1, ReviewSchedule.Boxes).Where(b => queue.Any(q => q.Box == b)).Select(b => $"box {b}: {queue.Count(q => q.Box == b)}"));
            int due = queue.Count(q => q.Due <= now);
            console.MarkupLine($"Review schedule: {queue.Count} question(s) ({boxes}); {due} due now" +
                (due == 0 ? $", next on {queue.Min(q => q.Due).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC." : ": run [bold]kmslab exam review[/]."));
        }
    }
}
