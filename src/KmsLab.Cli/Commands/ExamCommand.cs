using System.CommandLine;
using KmsLab.Cli.Exam;
using KmsLab.Exam;
using KmsLab.Progress;
using Spectre.Console;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab exam</c>: certification practice from the question bank — <c>practice</c>, timed
/// <c>mock</c> exams, spaced <c>review</c> of missed questions, <c>stats</c>, <c>export</c>, and
/// <c>prove</c> (a question's answer, happening on the simulator). Progress is kept in
/// <see cref="ProgressStore.DefaultPath"/>. Exit codes: 0 done; 1 a demonstration disagreed or the
/// progress file is unusable; 2 a bad option or a malformed question file.
/// </summary>
internal static class ExamCommand
{
    public static Command Create() => Create(ExamEnvironment.Terminal);

    /// <summary>The command, talking through what <paramref name="environment"/> gives (tests give a test console, scripted input and a fake clock).</summary>
    internal static Command Create(Func<ExamEnvironment> environment)
    {
        var bank = new Option<string[]>("--bank") { Description = $"A folder of your own topic files (exam-bank/README.md) to add to KmsLab's questions; repeatable. Default: {ExamBank.FolderVariable}, if set.", HelpName = "folder", Arity = ArgumentArity.OneOrMore, Recursive = true };
        var progress = new Option<string?>("--progress") { Description = $"The progress file. Default: {ProgressStore.PathVariable}, else {ProgressStore.DefaultPath}.", HelpName = "file", Recursive = true };
        var seed = new Option<int?>("--seed") { Description = "Draw questions and order choices from this seed (the same exam for a whole class).", HelpName = "n", Recursive = true };

        var examCode = new Option<string?>("--exam") { Description = "Only questions of this exam: SCS-C03, SAA-C03 or DVA-C02.", HelpName = "code" };
        var topic = new Option<string?>("--topic") { Description = "Only questions of this topic (kmslab exam topics lists them).", HelpName = "topic" };
        var lesson = new Option<string?>("--lesson") { Description = "Only questions of this lesson, e.g. 04.", HelpName = "nn" };
        var count = new Option<int>("--count") { Description = "How many questions.", DefaultValueFactory = _ => 10, HelpName = "n" };
        var practice = new Command("practice", "Questions one at a time, each explained as soon as you answer (by topic, exam or lesson).") { examCode, topic, lesson, count };
        practice.SetAction((parse, _) => Run(parse, environment, bank, progress, seed, (env, b, p, r) => PracticeAsync(env, b, p, r, parse.GetValue(topic), parse.GetValue(examCode), parse.GetValue(lesson), parse.GetValue(count))));

        var mockExam = new Option<string>("--exam") { Description = "The exam: SCS-C03, SAA-C03 or DVA-C02.", Required = true, HelpName = "code" };
        var mockCount = new Option<int?>("--count") { Description = "How many questions (default: as many as the real exam, or all the bank has for it). The time shrinks with the count, keeping the real exam's pace.", HelpName = "n" };
        var mock = new Command("mock", "A timed mock exam: any order, change answers, flag questions, a score per domain at the end.") { mockExam, mockCount };
        mock.SetAction((parse, _) => Run(parse, environment, bank, progress, seed, (env, b, p, r) => MockAsync(env, b, p, r, parse.GetValue(mockExam)!, parse.GetValue(mockCount))));

        var reviewCount = new Option<int>("--count") { Description = "At most this many of the questions due.", DefaultValueFactory = _ => 20, HelpName = "n" };
        var review = new Command("review", "The questions you missed that are due again (1, 2, 4, 8 and 16 days after, Leitner-style).") { reviewCount };
        review.SetAction((parse, _) => Run(parse, environment, bank, progress, seed, (env, b, p, r) => ReviewAsync(env, b, p, r, parse.GetValue(reviewCount))));

        var stats = new Command("stats", "Your attempts, right answers per day, the score per domain of each exam, and the review schedule.");
        stats.SetAction((parse, _) => Run(parse, environment, bank, progress, seed, (env, b, p, _) => { ExamStats.Show(env.Console, p, b, env.Time); return Task.FromResult(ExitCodes.Success); }));

        var output = new Option<FileInfo?>("--output") { Description = "Write the CSV here instead of standard output.", HelpName = "file" };
        var export = new Command("export", "Every attempt and answer as CSV.") { output };
        export.SetAction((parse, _) => Run(parse, environment, bank, progress, seed, (env, _, p, _) => ExportAsync(env, p, parse.GetValue(output))));

        var id = new Argument<string>("question") { Description = "The question's id (shown after each answer)." };
        var prove = new Command("prove", "Run a question's demonstration: its right answer, happening on a fresh simulator.") { id };
        prove.SetAction((parse, _) => Run(parse, environment, bank, progress: null, seed, (env, b, _, _) => ProveAsync(env, b, parse.GetValue(id)!)));

        var topics = new Command("topics", "The topics, with how many questions each has per exam.");
        topics.SetAction((parse, _) => Run(parse, environment, bank, progress: null, seed, (env, b, _, _) => Task.FromResult(Topics(env, b))));

        var folder = new Argument<DirectoryInfo>("folder") { Description = "A folder of topic files to check on their own." };
        var check = new Command("check", "Check your own topic files: every problem with its file and line.") { folder };
        check.SetAction(parse => Check(environment(), parse.GetValue(folder)!));

        return new Command("exam", "Certification practice: scenario questions for SCS-C03, SAA-C03 and DVA-C02, with mock exams, spaced review and progress that lasts.")
        {
            bank, progress, seed, practice, mock, review, stats, export, prove, topics, check,
        };
    }

    private delegate Task<int> Action(ExamEnvironment env, ExamBank bank, ProgressStore progress, Random random);

    private static async Task<int> Run(ParseResult parse, Func<ExamEnvironment> environment, Option<string[]> bankOption, Option<string?>? progress, Option<int?> seed, Action action)
    {
        var env = environment();
        ExamBank bank;
        try
        {
            var folders = parse.GetValue(bankOption) is { Length: > 0 } given ? given
                : Environment.GetEnvironmentVariable(ExamBank.FolderVariable) is { Length: > 0 } set ? [set] : [];
            bank = folders.Length == 0 ? ExamBank.Default : ExamBank.WithFolders(folders);
        }
        catch (Exception e) when (e is ExamBankException or DirectoryNotFoundException or IOException)
        {
            env.Error.WriteLine($"kmslab exam: {e.Message}");
            return ExitCodes.Usage;
        }
        var random = parse.GetValue(seed) is { } s ? new Random(s) : new Random();
        if (progress is null) return await action(env, bank, null!, random);
        ProgressStore store;
        try
        {
            store = ProgressStore.Open(parse.GetValue(progress), env.Time);
        }
        catch (Exception e) when (e is ProgressStoreException or IOException or UnauthorizedAccessException)
        {
            env.Error.WriteLine($"kmslab exam: {e.Message}");
            return ExitCodes.Failed;
        }
        using (store) return await action(env, bank, store, random);
    }

    private static async Task<int> PracticeAsync(ExamEnvironment env, ExamBank bank, ProgressStore progress, Random random, string? topic, string? exam, string? lesson, int count)
    {
        if (exam is not null && ExamCatalog.Find(exam) is not { } known) return Refuse(env, $"no exam '{exam}'; the bank serves {string.Join(", ", ExamCatalog.All.Select(e => e.Code))}.");
        if (topic is not null && bank.Topics.All(t => t.Name != topic)) return Refuse(env, $"no topic '{topic}'; kmslab exam topics lists them.");
        if (count < 1) return Refuse(env, "--count must be at least 1.");
        exam = exam is null ? null : ExamCatalog.Find(exam)!.Code;
        var questions = QuestionDraw.Practice(bank, topic, exam, lesson, count, random);
        if (questions.Count == 0) return Refuse(env, "no question matches.");
        await new PracticeSession(env.Console, new ExamInput(env.Input, env.Time), progress, env.Time, random).RunAsync(AttemptKind.Practice, questions, exam, topic ?? lesson);
        return ExitCodes.Success;
    }

    private static async Task<int> MockAsync(ExamEnvironment env, ExamBank bank, ProgressStore progress, Random random, string code, int? count)
    {
        if (ExamCatalog.Find(code) is not { } exam) return Refuse(env, $"no exam '{code}'; the bank serves {string.Join(", ", ExamCatalog.All.Select(e => e.Code))}.");
        if (count is < 1) return Refuse(env, "--count must be at least 1.");
        var questions = QuestionDraw.Mock(bank, exam, count ?? exam.Questions, random);
        if (questions.Count < (count ?? exam.Questions))
            env.Console.MarkupLine($"[dim]The bank has {questions.Count} questions for {exam.Code}; the mock exam asks them all.[/]");
        await new MockExam(env.Console, new ExamInput(env.Input, env.Time), progress, env.Time, random).RunAsync(exam, questions);
        return ExitCodes.Success;
    }

    private static async Task<int> ReviewAsync(ExamEnvironment env, ExamBank bank, ProgressStore progress, Random random, int count)
    {
        var due = progress.DueForReview().Select(bank.Find).OfType<ExamQuestion>().Take(count).ToList();
        if (due.Count == 0)
        {
            var queue = progress.ReviewQueue();
            env.Console.MarkupLine(queue.Count == 0
                ? "Nothing to review: no missed question is waiting."
                : $"Nothing due yet. Next review: {queue.Min(q => q.Due).UtcDateTime:yyyy-MM-dd HH:mm} UTC ({queue.Count} question(s) waiting).");
            return ExitCodes.Success;
        }
        env.Console.MarkupLine($"{due.Count} question(s) due for review.");
        await new PracticeSession(env.Console, new ExamInput(env.Input, env.Time), progress, env.Time, random).RunAsync(AttemptKind.Review, due, exam: null, topic: null);
        return ExitCodes.Success;
    }

    private static async Task<int> ExportAsync(ExamEnvironment env, ProgressStore progress, FileInfo? output)
    {
        if (output is null)
        {
            var text = new StringWriter();
            AttemptCsv.Write(progress, text);
            env.Console.Profile.Out.Writer.Write(text.ToString());
            return ExitCodes.Success;
        }
        await using var file = new StreamWriter(output.FullName);
        AttemptCsv.Write(progress, file);
        env.Console.MarkupLine($"Wrote {Markup.Escape(output.FullName)}.");
        return ExitCodes.Success;
    }

    private static async Task<int> ProveAsync(ExamEnvironment env, ExamBank bank, string id)
    {
        if (bank.Find(id) is not { } question) return Refuse(env, $"the bank has no question '{id}'.");
        if (!QuestionDemonstrations.Has(id)) return Refuse(env, $"question {id} has no demonstration; {QuestionDemonstrations.QuestionIds.Count} questions have one (kmslab exam topics).");
        env.Console.Write(new Paragraph(question.Stem));
        env.Console.WriteLine();
        env.Console.MarkupLine($"[bold]Answer:[/] {Markup.Escape(string.Join(" + ", question.Choices.Where(c => c.Correct).Select(c => c.Text)))}");
        try
        {
            var shown = await QuestionDemonstrations.RunAsync(id);
            env.Console.MarkupLine($"[bold]On the simulator:[/] {Markup.Escape(shown)}");
            return ExitCodes.Success;
        }
        catch (DemonstrationFailedException e)
        {
            env.Error.WriteLine($"kmslab exam prove: the simulator disagrees with the answer of {id} ({QuestionDemonstrations.NameOf(id)}): {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static int Topics(ExamEnvironment env, ExamBank bank)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("Topic").AddColumn(new TableColumn("All").RightAligned());
        foreach (var e in ExamCatalog.All) table.AddColumn(new TableColumn(e.Code).RightAligned());
        table.AddColumn(new TableColumn("Proven").RightAligned());
        foreach (var t in bank.Topics)
        {
            var mine = bank.Questions.Where(q => q.Topic == t.Name).ToList();
            table.AddRow([new Text(t.Name), new Text(mine.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                .. ExamCatalog.All.Select(e => new Text(mine.Count(q => q.DomainFor(e.Code) is not null).ToString(System.Globalization.CultureInfo.InvariantCulture))),
                new Text(mine.Count(q => QuestionDemonstrations.Has(q.Id)).ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }
        env.Console.Write(table);
        env.Console.MarkupLine($"{bank.Questions.Count} questions. Practise one topic: [bold]kmslab exam practice --topic {Markup.Escape(bank.Topics.FirstOrDefault()?.Name ?? "NAME")}[/].");
        return ExitCodes.Success;
    }

    private static int Check(ExamEnvironment env, DirectoryInfo folder)
    {
        if (!folder.Exists) return Refuse(env, $"no folder {folder.FullName}.");
        try
        {
            var bank = ExamBank.FromFolder(folder.FullName);
            // Ids and stems must not clash with KmsLab's own questions either, as --bank adds them to those.
            ExamBank.WithFolders([folder.FullName]);
            env.Console.MarkupLine($"{bank.Questions.Count} question(s) in {bank.Topics.Count} topic file(s): all well formed.");
            return ExitCodes.Success;
        }
        catch (ExamBankException e)
        {
            env.Error.WriteLine($"kmslab exam check: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    private static int Refuse(ExamEnvironment env, string message)
    {
        env.Error.WriteLine($"kmslab exam: {message}");
        return ExitCodes.Usage;
    }
}
