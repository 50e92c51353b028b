using System.Text;

namespace KmsLab.Lessons;

/// <summary>
/// "Check your understanding", scored in place. Show a question, then answer it in the same cell:
/// <code>
/// var quiz = Quiz.ForLesson("03-encrypt-decrypt");
/// quiz.Question(1).Answer("?")   // replace ? with your letter and run the cell
/// quiz.Score()
/// </code>
/// An answer of <c>"?"</c> (or empty) counts as not answered yet.
/// </summary>
/// <remarks>
/// Each quiz shuffles every question's choices once, when it is built: a learner who runs the lesson
/// again sees the choices in another order, so "it was C last time" teaches nothing and no position
/// is more often right than another. The letters A, B, C… name the choices as this quiz shows them;
/// scoring and the verdict use those letters. Pass a seeded <see cref="Random"/> for a repeatable order.
/// </remarks>
public sealed class Quiz
{
    private readonly Dictionary<int, char> _answers = [];

    private Quiz(string title, IReadOnlyList<QuizQuestion> questions)
    {
        Title = title;
        Questions = questions;
    }

    /// <summary>The quiz's title.</summary>
    public string Title { get; }

    /// <summary>
    /// The questions, numbered from 1, as this quiz shows them: <see cref="QuizQuestion.Choices"/> in
    /// this quiz's shuffled order and <see cref="QuizQuestion.Answer"/> the letter the right choice has here.
    /// </summary>
    public IReadOnlyList<QuizQuestion> Questions { get; }

    /// <summary>The questions of one lesson, each with its choices shuffled.</summary>
    /// <param name="lesson"><c>"03"</c> or <c>"03-encrypt-decrypt"</c>.</param>
    /// <param name="random">Orders the choices; by default a new <see cref="Random"/>, so each run of a lesson differs.</param>
    public static Quiz ForLesson(string lesson, Random? random = null)
    {
        var questions = QuestionBank.ForLesson(lesson);
        if (questions.Count == 0) throw new ArgumentException($"No questions for lesson '{lesson}'.", nameof(lesson));
        return new Quiz($"Check your understanding — lesson {lesson[..Math.Min(2, lesson.Length)]}", Shuffled(questions, random ?? new Random()));
    }

    /// <summary>The exam: every question of the course, each with its choices shuffled.</summary>
    /// <param name="random">Orders the choices; by default a new <see cref="Random"/>, so each attempt differs.</param>
    public static Quiz Exam(Random? random = null) =>
        new("Exam practice — the whole course", Shuffled(QuestionBank.All, random ?? new Random()));

    /// <summary>Each question with its choices in a random order and its answer re-lettered to match.</summary>
    private static List<QuizQuestion> Shuffled(IReadOnlyList<QuizQuestion> questions, Random random) =>
        questions.Select(q =>
        {
            var order = Enumerable.Range(0, q.Choices.Count).ToArray();
            random.Shuffle(order);
            var right = Array.IndexOf(order, q.Answer - 'A');
            return q with { Choices = order.Select(i => q.Choices[i]).ToList(), Answer = Letter(right) };
        }).ToList();

    /// <summary>Question <paramref name="number"/> (from 1), to display and answer.</summary>
    public QuestionView Question(int number)
    {
        if (number < 1 || number > Questions.Count) throw new ArgumentOutOfRangeException(nameof(number), $"This quiz has questions 1 to {Questions.Count}.");
        return new QuestionView(this, number, Questions[number - 1]);
    }

    internal void Record(int number, char? letter)
    {
        if (letter is { } l) _answers[number] = l;
        else _answers.Remove(number);
    }

    /// <summary>Your score so far, question by question.</summary>
    public ScoreView Score() => new(this, new Dictionary<int, char>(_answers));

    /// <summary>Letters for choices: A, B, C…</summary>
    internal static char Letter(int index) => (char)('A' + index);
}

/// <summary>A question on display; <see cref="Answer"/> scores a letter.</summary>
public sealed class QuestionView : LessonView
{
    private readonly Quiz _quiz;

    internal QuestionView(Quiz quiz, int number, QuizQuestion question)
    {
        _quiz = quiz;
        Number = number;
        Question = question;
    }

    /// <summary>The question's number in its quiz.</summary>
    public int Number { get; }

    /// <summary>The question.</summary>
    public QuizQuestion Question { get; }

    /// <summary>Scores <paramref name="letter"/> (A, B, C…; <c>"?"</c> for not answered yet) and shows the verdict.</summary>
    public AnswerView Answer(string letter)
    {
        var trimmed = (letter ?? "").Trim().ToUpperInvariant();
        char? choice = trimmed.Length == 1 && trimmed[0] >= 'A' && trimmed[0] < 'A' + Question.Choices.Count ? trimmed[0] : null;
        bool unanswered = trimmed is "" or "?";
        _quiz.Record(Number, choice);
        return new AnswerView(this, choice, unanswered);
    }

    internal string Text(bool withChoices = true)
    {
        var sb = new StringBuilder($"Q{Number} · {Question.Id}. {Question.Text}");
        if (withChoices)
        {
            for (int i = 0; i < Question.Choices.Count; i++) sb.Append($"\n   {Quiz.Letter(i)}) {Question.Choices[i]}");
        }
        return sb.ToString();
    }

    internal string Html()
    {
        var sb = new StringBuilder($"<div style=\"font-weight:600\">Q{Number} · {Question.Id}. {Md(Question.Text)}</div><ol type=\"A\" style=\"margin:4px 0\">");
        foreach (var c in Question.Choices) sb.Append($"<li>{Md(c)}</li>");
        return sb.Append("</ol>").ToString();
    }

    /// <summary>HTML-encodes and turns `code` into &lt;code&gt;.</summary>
    internal static string Md(string s)
    {
        var encoded = E(s);
        var parts = encoded.Split('`');
        var sb = new StringBuilder();
        for (int i = 0; i < parts.Length; i++) sb.Append(i % 2 == 1 ? $"<code>{parts[i]}</code>" : parts[i]);
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToPlainText() => Text() + "\n   Answer with .Answer(\"A\") … and run the cell.";

    /// <inheritdoc />
    public override string ToHtml() => $"<div class=\"kmslab-quiz\" style=\"border:1px solid #ccc;border-radius:6px;padding:8px 12px;margin:4px 0;max-width:56em\">{Html()}</div>";
}

/// <summary>The verdict on one answer, with the explanation.</summary>
public sealed class AnswerView : LessonView
{
    internal AnswerView(QuestionView question, char? choice, bool unanswered)
    {
        QuestionView = question;
        Choice = choice;
        Unanswered = unanswered;
    }

    internal QuestionView QuestionView { get; }

    /// <summary>The letter given, if it was a valid choice.</summary>
    public char? Choice { get; }

    /// <summary>True when the answer was left as <c>"?"</c>.</summary>
    public bool Unanswered { get; }

    /// <summary>True when the letter is right.</summary>
    public bool Correct => Choice == QuestionView.Question.Answer;

    private string Verdict
    {
        get
        {
            var q = QuestionView.Question;
            if (Unanswered) return "Not answered yet: replace ? with your letter and run the cell again.";
            if (Choice is null) return $"That is not one of the choices (A–{Quiz.Letter(q.Choices.Count - 1)}).";
            return Correct ? $"✔ {Choice} is right. {q.Explanation}" : $"✘ {Choice} is not it. The answer is {q.Answer}: {q.Explanation}";
        }
    }

    /// <inheritdoc />
    public override string ToPlainText() => QuestionView.Text() + "\n   " + Verdict;

    /// <inheritdoc />
    public override string ToHtml()
    {
        var color = Unanswered || Choice is null ? "#757575" : Correct ? "#2e7d32" : "#c62828";
        return $"<div class=\"kmslab-quiz\" style=\"border:1px solid #ccc;border-left:5px solid {color};border-radius:6px;padding:8px 12px;margin:4px 0;max-width:56em\">{QuestionView.Html()}<div style=\"color:{color}\">{QuestionView.Md(Verdict)}</div></div>";
    }
}

/// <summary>A quiz's score: right, wrong and unanswered, question by question.</summary>
public sealed class ScoreView : LessonView
{
    private readonly Quiz _quiz;
    private readonly IReadOnlyDictionary<int, char> _answers;

    internal ScoreView(Quiz quiz, IReadOnlyDictionary<int, char> answers)
    {
        _quiz = quiz;
        _answers = answers;
    }

    /// <summary>Questions answered correctly.</summary>
    public int Right => _answers.Count(a => _quiz.Questions[a.Key - 1].Answer == a.Value);

    /// <summary>Questions answered.</summary>
    public int Answered => _answers.Count;

    /// <summary>Questions in the quiz.</summary>
    public int Total => _quiz.Questions.Count;

    private IEnumerable<(int Number, string Mark)> Marks() => Enumerable.Range(1, Total).Select(n =>
        (n, _answers.TryGetValue(n, out var a) ? (_quiz.Questions[n - 1].Answer == a ? "✔" : "✘") : "·"));

    /// <summary>
    /// The lessons to revisit: each lesson with a question answered wrongly, and those questions' IDs
    /// (<c>lesson 03 (03.2)</c>); empty when nothing was missed.
    /// </summary>
    public string Revisit => string.Join(", ", _answers.Where(a => _quiz.Questions[a.Key - 1].Answer != a.Value)
        .Select(a => _quiz.Questions[a.Key - 1]).OrderBy(q => q.Id, StringComparer.Ordinal).GroupBy(q => q.Lesson)
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
