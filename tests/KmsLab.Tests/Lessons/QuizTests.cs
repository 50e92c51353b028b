using System.Text.RegularExpressions;
using KmsLab.Lessons;

namespace KmsLab.Tests.Lessons;

public sealed partial class QuizTests
{
    private static readonly string[] LessonNumbers = ["00", "01", "02", "03", "04", "05", "06", "07", "08", "10", "11", "12", "13"];

    [Fact]
    public void TheQuestionBankIsWellFormed()
    {
        var all = QuestionBank.All;
        Assert.True(all.Count >= 30, $"{all.Count} questions");
        Assert.Equal(all.Count, all.Select(q => q.Id).Distinct().Count());
        foreach (var q in all)
        {
            Assert.InRange(q.Choices.Count, 2, 6);
            Assert.InRange(q.Answer, 'A', (char)('A' + q.Choices.Count - 1));
            Assert.False(string.IsNullOrWhiteSpace(q.Explanation), q.Id);
            Assert.Equal(q.Choices.Count, q.Choices.Distinct().Count());
        }
        foreach (var lesson in LessonNumbers)
        {
            Assert.True(QuestionBank.ForLesson(lesson).Count >= 3, $"lesson {lesson}");
        }
        Assert.True(Quiz.Exam().Questions.Count >= 30);
    }

    /// <summary>The lessons' ❓ cells ask questions 1–3 of their lesson and the exam 1–45: the counts are part of the notebooks.</summary>
    [Fact]
    public void EachLessonKeepsThreeQuestionsAndTheExamAsksThemAll()
    {
        foreach (var lesson in LessonNumbers) Assert.Equal(new[] { $"{lesson}.1", $"{lesson}.2", $"{lesson}.3" }, QuestionBank.ForLesson(lesson).Select(q => q.Id));
        Assert.Equal(LessonNumbers.SelectMany(QuestionBank.ForLesson).Concat(QuestionBank.ForLesson("09")).Select(q => q.Id).Order(),
            QuestionBank.All.Select(q => q.Id).Order());
        Assert.Equal(6, QuestionBank.ForLesson("09").Count);
    }

    [Fact]
    public void AnswersAreScoredInPlace()
    {
        var quiz = Quiz.ForLesson("03-encrypt-decrypt", new Random(3));
        var q1 = quiz.Questions[0];
        var right = quiz.Question(1).Answer(q1.Answer.ToString().ToLowerInvariant());
        Assert.True(right.Correct);
        Assert.Contains("is right", right.ToPlainText(), StringComparison.Ordinal);
        Assert.Contains(q1.Explanation, right.ToPlainText(), StringComparison.Ordinal);

        var wrong = quiz.Question(2).Answer(quiz.Questions[1].Answer == 'A' ? "B" : "A");
        Assert.False(wrong.Correct);
        Assert.Contains($"The answer is {quiz.Questions[1].Answer}", wrong.ToPlainText(), StringComparison.Ordinal);

        var unanswered = quiz.Question(3).Answer("?");
        Assert.True(unanswered.Unanswered);
        Assert.Contains("Not answered yet", unanswered.ToPlainText(), StringComparison.Ordinal);
        Assert.Contains("not one of the choices", quiz.Question(3).Answer("Z").ToPlainText(), StringComparison.Ordinal);

        var score = quiz.Score();
        Assert.Equal(1, score.Right);
        Assert.Equal(2, score.Answered);
        Assert.Equal(3, score.Total);
        Assert.Contains("1/3 right", score.ToPlainText(), StringComparison.Ordinal);
        Assert.Contains("Q1✔ Q2✘ Q3·", score.ToPlainText(), StringComparison.Ordinal);
        // The question's ID names its lesson, and the score says what to revisit.
        Assert.StartsWith("Q2 · 03.2. ", wrong.ToPlainText(), StringComparison.Ordinal);
        Assert.Equal("lesson 03 (03.2)", score.Revisit);
        Assert.Contains("Revisit: lesson 03 (03.2)", score.ToPlainText(), StringComparison.Ordinal);
        Assert.Contains("Revisit: lesson 03 (03.2)", score.ToHtml(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_exam_score_names_each_lesson_to_revisit_once_with_its_missed_questions()
    {
        var exam = Quiz.Exam(new Random(7));
        string Wrong(int n) => exam.Questions[n - 1].Answer == 'A' ? "B" : "A";
        int Number(string id) => exam.Questions.ToList().FindIndex(q => q.Id == id) + 1;
        exam.Question(Number("07.2")).Answer(Wrong(Number("07.2")));
        exam.Question(Number("05.1")).Answer(Wrong(Number("05.1")));
        exam.Question(Number("05.3")).Answer(Wrong(Number("05.3")));
        exam.Question(Number("03.1")).Answer(exam.Questions[Number("03.1") - 1].Answer.ToString());
        Assert.Equal("lesson 05 (05.1, 05.3), lesson 07 (07.2)", exam.Score().Revisit);
        Assert.Equal("", Quiz.ForLesson("05", new Random(1)).Score().Revisit);
    }

    [Fact]
    public void UnknownLessonsAndQuestionNumbersAreRefused()
    {
        Assert.Throws<ArgumentException>(() => Quiz.ForLesson("42"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quiz.ForLesson("01").Question(4));
    }

    /// <summary>
    /// Over 4000 seeded attempts at the exam, each displayed position holds the right choice 20–30% of
    /// the time, for the exam as a whole and for every single question (a question whose right choice
    /// stayed put, or a bank that is mostly B, would fail).
    /// </summary>
    [Fact]
    public void EveryDisplayedPositionIsTheRightOneAboutEquallyOften()
    {
        const int attempts = 4000;
        var total = new int[4];
        var perQuestion = QuestionBank.All.ToDictionary(q => q.Id, _ => new int[4]);
        // Seeds drawn from one generator: System.Random seeded 0, 1, 2… gives correlated first values (the legacy
        // seeded algorithm), which skews single questions though the unseeded default a learner gets does not.
        var seeds = new Random(2026);
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            foreach (var q in Quiz.Exam(new Random(seeds.Next())).Questions)
            {
                total[q.Answer - 'A']++;
                perQuestion[q.Id][q.Answer - 'A']++;
            }
        }
        var shares = total.Select(n => (double)n / total.Sum()).ToArray();
        foreach (var share in shares) Assert.InRange(share, 0.20, 0.30);
        foreach (var (id, counts) in perQuestion)
        {
            foreach (var n in counts) Assert.True(n >= 0.20 * attempts && n <= 0.30 * attempts, $"{id}: right at A–D {string.Join("/", counts)} times in {attempts}");
        }
        // The figures, for the record (visible with --logger "console;verbosity=detailed").
        Console.WriteLine($"right choice at A/B/C/D over {attempts} exams: " + string.Join(" ", shares.Select((s, i) => $"{Quiz.Letter(i)} {s:P1}"))
            + $"; per question and position {perQuestion.Values.SelectMany(c => c).Min() / (double)attempts:P1} to {perQuestion.Values.SelectMany(c => c).Max() / (double)attempts:P1}");
    }

    [Fact]
    public void LessonQuizzesAreShuffledToo_andTheSameSeedGivesTheSameOrder()
    {
        var counts = new int[4];
        var seeds = new Random(2027);
        for (int attempt = 0; attempt < 4000; attempt++)
        {
            foreach (var q in Quiz.ForLesson(LessonNumbers[attempt % LessonNumbers.Length], new Random(seeds.Next())).Questions) counts[q.Answer - 'A']++;
        }
        foreach (var n in counts) Assert.InRange((double)n / counts.Sum(), 0.20, 0.30);

        var once = Quiz.ForLesson("05", new Random(7)).Questions.Select(q => string.Join("|", q.Choices));
        var again = Quiz.ForLesson("05", new Random(7)).Questions.Select(q => string.Join("|", q.Choices));
        Assert.Equal(once, again);
        var orders = Enumerable.Range(0, 20).Select(seed => string.Join("|", Quiz.ForLesson("05", new Random(seed)).Questions[0].Choices)).Distinct().Count();
        Assert.True(orders > 5, $"only {orders} orders in 20 seeds");
    }

    /// <summary>
    /// For every question, in a shuffled exam and in each lesson's quiz: the letter at which the quiz shows the
    /// bank's right choice (found by its text) scores right, says so and shows that letter beside that text;
    /// every other letter scores wrong and names the right letter.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void TheDisplayedLetterOfTheRightChoiceScoresRightAndEveryOtherLetterWrong(int seed)
    {
        var quizzes = LessonNumbers.Select(l => Quiz.ForLesson(l, new Random(seed))).Append(Quiz.Exam(new Random(seed))).ToList();
        foreach (var quiz in quizzes)
        {
            for (int n = 1; n <= quiz.Questions.Count; n++)
            {
                var shown = quiz.Questions[n - 1];
                var source = QuestionBank.All.Single(q => q.Id == shown.Id);
                Assert.Equal(source.Choices.Order(), shown.Choices.Order());
                var rightText = source.Choices[source.Answer - 'A'];
                var rightLetter = Quiz.Letter(shown.Choices.ToList().IndexOf(rightText));

                var view = quiz.Question(n);
                Assert.Contains($"{rightLetter}) {rightText}", view.ToPlainText(), StringComparison.Ordinal);
                var right = view.Answer(rightLetter.ToString());
                Assert.True(right.Correct, $"{shown.Id}: {rightLetter}");
                Assert.Contains($"✔ {rightLetter} is right", right.ToPlainText(), StringComparison.Ordinal);
                for (int i = 0; i < shown.Choices.Count; i++)
                {
                    var letter = Quiz.Letter(i);
                    if (letter == rightLetter) continue;
                    var wrong = quiz.Question(n).Answer(letter.ToString());
                    Assert.False(wrong.Correct, $"{shown.Id}: {letter}");
                    Assert.Contains($"The answer is {rightLetter}:", wrong.ToPlainText(), StringComparison.Ordinal);
                }
                quiz.Question(n).Answer(rightLetter.ToString());
            }
            Assert.Equal(quiz.Questions.Count, quiz.Score().Right);
        }
    }

    /// <summary>Letters move between attempts, so no explanation or choice may name one, nor point at "the above".</summary>
    [Fact]
    public void NoExplanationOrChoiceNamesALetterOrAPosition()
    {
        var offenders = new List<string>();
        foreach (var q in QuestionBank.All)
        {
            foreach (var text in q.Choices.Append(q.Explanation))
            {
                if (LetterReference().Match(text) is { Success: true } m) offenders.Add($"{q.Id}: \"{m.Value}\" in \"{text}\"");
                if (PositionReference().Match(text) is { Success: true } p) offenders.Add($"{q.Id}: \"{p.Value}\" in \"{text}\"");
            }
        }
        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    [Fact]
    public void TheLetterCheckCatchesWhatItIsFor()
    {
        foreach (var text in new[] { "B is right because…", "Choice A is a near miss.", "Both A and B", "(C) lacks the context", "A and C both work", "unlike D, it works", "A) is wrong" })
        {
            Assert.True(LetterReference().IsMatch(text), text);
        }
        foreach (var text in new[] { "All of the above", "None of the above", "both of the previous answers" }) Assert.Matches(PositionReference(), text);
        foreach (var text in new[] { "A key policy is required.", "SSE-C keeps the key with you", "AES-256-GCM", "`kms:Put*` and a grant", "Encrypt is a call. A grant is not." })
        {
            Assert.False(LetterReference().IsMatch(text), text);
        }
    }

    /// <summary>A lone capital A–F used as a letter: B–F on their own, or A where it is not the article ("A and B", "(A)", "A is right").</summary>
    [GeneratedRegex(@"(?<![\w\-/.:*`'])(?:[B-F]|A(?=\)|\s+(?:and|or|is|are)\b|,)|(?<=\(|\b(?i:and|or|choice|option|answer|unlike)\s+)A)(?![\w\-/.:*`'])")]
    private static partial Regex LetterReference();

    [GeneratedRegex(@"\b(?:all|none|both) of the (?:above|below|previous|others)", RegexOptions.IgnoreCase)]
    private static partial Regex PositionReference();
}
