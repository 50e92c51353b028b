using System.Text;
using KmsLab.Exam;
using KmsLab.Progress;

namespace KmsLab.Lessons;

/// <summary>
/// "Check your understanding", scored in place, from the question bank (exam-bank/). Show a
/// question, then answer it in the same cell:
/// <code>
/// var quiz = Quiz.ForLesson("03-encrypt-decrypt");
/// quiz.Question(1).Answer("?")   // replace ? with your letter and run the cell
/// quiz.Score()
/// </code>
/// An answer of <c>"?"</c> (or empty) counts as not answered yet. A "choose two" question takes both letters (<c>"AC"</c>).
/// </summary>
/// <remarks>
/// Each quiz shuffles every question's choices once, when it is built: a learner who runs the lesson
/// again sees the choices in another order, so "it was C last time" teaches nothing and no position
/// is more often right than another. Pass a seeded <see cref="Random"/> for a repeatable order.
/// Every answer is stored in the learner's progress file (<see cref="ProgressStore.DefaultPath"/>),
/// the one <c>kmslab exam</c> keeps: missed questions come back in <c>kmslab exam review</c>.
/// </remarks>
public sealed class Quiz
{
    private readonly Dictionary<int, string> _answers = [];
    private readonly string? _exam;
    private readonly string _topic;
    private long? _attempt;

    private Quiz(string title, IReadOnlyList<AskedQuestion> questions, string? exam, string topic)
    {
        Title = title;
        Questions = questions;
        _exam = exam;
        _topic = topic;
    }

    /// <summary>The quiz's title.</summary>
    public string Title { get; }

    /// <summary>The questions, numbered from 1, each with its choices in this quiz's shuffled order.</summary>
    public IReadOnlyList<AskedQuestion> Questions { get; }

    /// <summary>The questions the bank marks as lesson <paramref name="lesson"/>'s checkpoints, each with its choices shuffled.</summary>
    /// <param name="lesson"><c>"03"</c> or <c>"03-encrypt-decrypt"</c>.</param>
    /// <param name="random">Orders the choices; by default a new <see cref="Random"/>, so each run of a lesson differs.</param>
    public static Quiz ForLesson(string lesson, Random? random = null)
    {
        var questions = ExamBank.Default.CheckpointsFor(lesson);
        if (questions.Count == 0) throw new ArgumentException($"No questions for lesson '{lesson}'.", nameof(lesson));
        random ??= new Random();
        var number = lesson[..Math.Min(2, lesson.Length)];
        return new Quiz($"Check your understanding — lesson {number}", questions.Select(q => AskedQuestion.Shuffle(q, random)).ToList(), null, "lesson " + number);
    }

    /// <summary>
    /// A short mock exam: <paramref name="count"/> questions of the bank for <paramref name="exam"/>,
    /// drawn with each domain's share of the exam guide, in a random order, choices shuffled.
    /// </summary>
    /// <param name="exam">SCS-C03, SAA-C03 or DVA-C02.</param>
    /// <param name="count">How many questions.</param>
    /// <param name="random">Draws and orders; by default a new <see cref="Random"/>, so each attempt differs.</param>
    public static Quiz Exam(string exam = "SCS-C03", int count = 20, Random? random = null)
    {
        var definition = ExamCatalog.Find(exam) ?? throw new ArgumentException($"No exam '{exam}'; the bank serves {string.Join(", ", ExamCatalog.All.Select(e => e.Code))}.", nameof(exam));
        random ??= new Random();
        var drawn = QuestionDraw.Mock(ExamBank.Default, definition, count, random);
        return new Quiz($"Exam practice — {definition.Code}, {drawn.Count} questions", drawn.Select(q => AskedQuestion.Shuffle(q, random)).ToList(), definition.Code, "lesson 09");
    }

    /// <summary>
    /// The learner's score per domain of <paramref name="exam"/> over every answer stored in their
    /// progress file (lessons, <c>kmslab exam</c> practice, mocks and reviews), to chart.
    /// </summary>
    /// <exception cref="ProgressStoreException">The progress file is not usable (it is left as it is).</exception>
    public static IReadOnlyList<DomainScore> StoredScores(string exam = "SCS-C03")
    {
        var definition = ExamCatalog.Find(exam) ?? throw new ArgumentException($"No exam '{exam}'.", nameof(exam));
        using var store = ProgressStore.Open();
        return DomainScore.For(store, ExamBank.Default, definition);
    }

    /// <summary>Question <paramref name="number"/> (from 1), to display and answer.</summary>
    public QuestionView Question(int number)
    {
        if (number < 1 || number > Questions.Count) throw new ArgumentOutOfRangeException(nameof(number), $"This quiz has questions 1 to {Questions.Count}.");
        return new QuestionView(this, number, Questions[number - 1]);
    }

    /// <summary>Keeps the answer for the score and stores it in the progress file; returns why it could not be stored, if it could not.</summary>
    internal string? Record(int number, string? letters)
    {
        if (letters is null)
        {
            _answers.Remove(number);
            return null;
        }
        _answers[number] = letters;
        try
        {
            using var store = ProgressStore.Open();
            _attempt ??= store.StartAttempt(AttemptKind.Lesson, _exam, _topic);
            store.RecordAnswer(_attempt.Value, number, Questions[number - 1], letters, flagged: false, TimeSpan.Zero);
            return null;
        }
        catch (Exception e) when (e is ProgressStoreException or IOException or UnauthorizedAccessException)
        {
            return "Your answer counts here, but was not saved to your progress: " + e.Message;
        }
    }

    /// <summary>Your score so far, question by question.</summary>
    public ScoreView Score() => new(this, new Dictionary<int, string>(_answers));
}

/// <summary>A question on display; <see cref="Answer"/> scores a letter (or two, for "choose two").</summary>
public sealed class QuestionView : LessonView
{
    private readonly Quiz _quiz;

    internal QuestionView(Quiz quiz, int number, AskedQuestion question)
    {
        _quiz = quiz;
        Number = number;
        Question = question;
    }

    /// <summary>The question's number in its quiz.</summary>
    public int Number { get; }

    /// <summary>The question as this quiz shows it.</summary>
    public AskedQuestion Question { get; }

    /// <summary>Scores <paramref name="letters"/> (A, B, C…; two letters for "choose two"; <c>"?"</c> for not answered yet) and shows the verdict.</summary>
    public AnswerView Answer(string letters)
    {
        var trimmed = (letters ?? "").Trim();
        bool unanswered = trimmed is "" or "?";
        var given = unanswered ? null : Question.Normalize(trimmed);
        var note = _quiz.Record(Number, given);
        return new AnswerView(this, given, unanswered, note);
    }

    internal string Head => $"Q{Number} · {Question.Question.Id}. {Question.Question.Stem}";

    internal string Text()
    {
        var sb = new StringBuilder(Head);
        for (int i = 0; i < Question.Choices.Count; i++) sb.Append($"\n   {AskedQuestion.Letter(i)}) {Question.Choices[i].Text}");
        if (Question.Question.IsChooseTwo) sb.Append("\n   (Choose two: answer with both letters, e.g. .Answer(\"AC\").)");
        return sb.ToString();
    }

    internal string Html()
    {
        var sb = new StringBuilder($"<div style=\"font-weight:600\">{Md(Head)}</div><ol type=\"A\" style=\"margin:4px 0\">");
        foreach (var c in Question.Choices) sb.Append($"<li>{Md(c.Text)}</li>");
        sb.Append("</ol>");
        if (Question.Question.IsChooseTwo) sb.Append("<div style=\"color:#555\">Choose two: answer with both letters, e.g. <code>.Answer(\"AC\")</code>.</div>");
        return sb.ToString();
    }

    /// <summary>HTML-encodes and turns `code` into &lt;code&gt;.</summary>
    internal static string Md(string s)
    {
        var parts = E(s).Split('`');
        var sb = new StringBuilder();
        for (int i = 0; i < parts.Length; i++) sb.Append(i % 2 == 1 ? $"<code>{parts[i]}</code>" : parts[i]);
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToPlainText() => Text() + "\n   Answer with .Answer(\"A\") … and run the cell.";

    /// <inheritdoc />
    public override string ToHtml() => $"<div class=\"kmslab-quiz\" style=\"border:1px solid #ccc;border-radius:6px;padding:8px 12px;margin:4px 0;max-width:56em\">{Html()}</div>";
}

/// <summary>The verdict on one answer, with why each choice is right or wrong.</summary>
public sealed class AnswerView : LessonView
{
    private readonly string? _note;

    internal AnswerView(QuestionView question, string? letters, bool unanswered, string? note)
    {
        QuestionView = question;
        Letters = letters;
        Unanswered = unanswered;
        _note = note;
    }

    internal QuestionView QuestionView { get; }

    /// <summary>The letters given, sorted (<c>"B"</c>, <c>"AD"</c>), if they name valid choices.</summary>
    public string? Letters { get; }

    /// <summary>True when the answer was left as <c>"?"</c>.</summary>
    public bool Unanswered { get; }

    /// <summary>True when the letters are right.</summary>
    public bool Correct => QuestionView.Question.IsRight(Letters);

    private string Verdict
    {
        get
        {
            var q = QuestionView.Question;
            if (Unanswered) return "Not answered yet: replace ? with your letter and run the cell again.";
            if (Letters is null)
                return q.Question.IsChooseTwo
                    ? $"Answer with two letters, from A to {AskedQuestion.Letter(q.Choices.Count - 1)} (e.g. \"AC\")."
                    : $"That is not one of the choices (A–{AskedQuestion.Letter(q.Choices.Count - 1)}).";
            return Correct ? $"✔ {Letters} is right." : $"✘ {Letters} is not it. The answer is {q.CorrectLetters}.";
        }
    }

    private IEnumerable<(char Letter, ExamChoice Choice)> Explained => Unanswered || Letters is null
        ? []
        : QuestionView.Question.Choices.Select((c, i) => (AskedQuestion.Letter(i), c)).OrderByDescending(x => x.c.Correct);

    private string Taught => $"Taught in lesson {QuestionView.Question.Question.Lesson}" +
        (QuestionDemonstrations.Has(QuestionView.Question.Question.Id) ? $"; see it happen: kmslab exam prove {QuestionView.Question.Question.Id}." : ".");

    /// <inheritdoc />
    public override string ToPlainText()
    {
        var sb = new StringBuilder(QuestionView.Text()).Append("\n   ").Append(Verdict);
        foreach (var (letter, c) in Explained) sb.Append($"\n   {letter} {(c.Correct ? "✔" : "✘")} {c.Why}");
        if (Explained.Any()) sb.Append("\n   ").Append(Taught);
        if (_note is not null) sb.Append("\n   ").Append(_note);
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToHtml()
    {
        var color = Unanswered || Letters is null ? "#757575" : Correct ? "#2e7d32" : "#c62828";
        var sb = new StringBuilder($"<div class=\"kmslab-quiz\" style=\"border:1px solid #ccc;border-left:5px solid {color};border-radius:6px;padding:8px 12px;margin:4px 0;max-width:56em\">{QuestionView.Html()}<div style=\"color:{color};font-weight:600\">{QuestionView.Md(Verdict)}</div>");
        if (Explained.Any())
        {
            sb.Append("<ul style=\"margin:4px 0;padding-left:1.2em\">");
            foreach (var (letter, c) in Explained)
                sb.Append($"<li style=\"color:{(c.Correct ? "#2e7d32" : "#333")}\"><strong>{letter} {(c.Correct ? "✔ right" : "✘ wrong")}:</strong> {QuestionView.Md(c.Why)}</li>");
            sb.Append($"</ul><div style=\"color:#555\">{QuestionView.Md(Taught)}</div>");
        }
        if (_note is not null) sb.Append($"<div style=\"color:#8d6e00\">{E(_note)}</div>");
        return sb.Append("</div>").ToString();
    }
}

/// <summary>A quiz's score: right, wrong and unanswered, question by question.</summary>
public sealed class ScoreView : LessonView
{
    private readonly Quiz _quiz;
    private readonly IReadOnlyDictionary<int, string> _answers;

    internal ScoreView(Quiz quiz, IReadOnlyDictionary<int, string> answers)
    {
        _quiz = quiz;
        _answers = answers;
    }

    private bool IsRight(KeyValuePair<int, string> a) => _quiz.Questions[a.Key - 1].IsRight(a.Value);

    /// <summary>Questions answered correctly.</summary>
    public int Right => _answers.Count(IsRight);

    /// <summary>Questions answered.</summary>
    public int Answered => _answers.Count;

    /// <summary>Questions in the quiz.</summary>
    public int Total => _quiz.Questions.Count;

    private IEnumerable<(int Number, string Mark)> Marks() => Enumerable.Range(1, Total).Select(n =>
        (n, _answers.TryGetValue(n, out var a) ? (_quiz.Questions[n - 1].IsRight(a) ? "✔" : "✘") : "·"));

    /// <summary>
    /// The lessons to revisit: each lesson with a question answered wrongly, and those questions' IDs
    /// (<c>lesson 03 (03.2)</c>); empty when nothing was missed.
    /// </summary>
    public string Revisit => string.Join(", ", _answers.Where(a => !IsRight(a))
        .Select(a => _quiz.Questions[a.Key - 1].Question).OrderBy(q => q.Lesson, StringComparer.Ordinal).ThenBy(q => q.Id, StringComparer.Ordinal).GroupBy(q => q.LessonNumber)
        .Select(g => $"lesson {g.Key} ({string.Join(", ", g.Select(q => q.Id))})"));

    /// <inheritdoc />
    public override string ToPlainText() =>
        $"{_quiz.Title}: {Right}/{Total} right ({Answered} answered)\n   " + string.Join(" ", Marks().Select(m => $"Q{m.Number}{m.Mark}"))
        + (Revisit.Length == 0 ? "" : "\n   Revisit: " + Revisit);

    /// <inheritdoc />
    public override string ToHtml()
    {
        var pct = Total == 0 ? 0 : 100 * Right / Total;
        var sb = new StringBuilder($"<div class=\"kmslab-score\" style=\"border:1px solid #ccc;border-radius:6px;padding:8px 12px;max-width:56em\"><strong>{E(_quiz.Title)}</strong>: {Right}/{Total} right ({Answered} answered)");
        sb.Append($"<div style=\"background:#eee;height:10px;border-radius:5px;margin:6px 0\"><div style=\"background:#2e7d32;height:10px;border-radius:5px;width:{pct}%\"></div></div>");
        sb.Append("<div style=\"font-family:monospace\">").Append(string.Join(" ", Marks().Select(m => $"Q{m.Number}{m.Mark}"))).Append("</div>");
        if (Revisit.Length > 0) sb.Append("<div>Revisit: ").Append(E(Revisit)).Append("</div>");
        sb.Append("</div>");
        return sb.ToString();
    }
}
