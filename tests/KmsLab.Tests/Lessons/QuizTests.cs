using System.Text.RegularExpressions;
using KmsLab.Exam;
using KmsLab.Lessons;

namespace KmsLab.Tests.Lessons;

/// <summary>The notebooks' quizzes: drawn from the bank, shuffled, scored in place, explained choice by choice.</summary>
public sealed partial class QuizTests
{
    private static readonly string[] LessonNumbers = ["00", "01", "02", "03", "04", "05", "06", "07", "08", "10", "11", "12", "13"];

    /// <summary>The lessons' ❓ cells ask questions 1–3 of their lesson: the bank keeps three checkpoints per lesson, in order.</summary>
    [Fact]
    public void EachLessonKeepsItsThreeCheckpointsInOrder()
    {
        foreach (var lesson in LessonNumbers)
            Assert.Equal(new[] { $"{lesson}.1", $"{lesson}.2", $"{lesson}.3" }, ExamBank.Default.CheckpointsFor(lesson).Select(q => q.Id));
        Assert.Empty(ExamBank.Default.CheckpointsFor("09"));
    }

    [Fact]
    public void AnswersAreScoredInPlace()
    {
        var quiz = Quiz.ForLesson("03-encrypt-decrypt", new Random(3));
        var q1 = quiz.Questions[0];
        var right = quiz.Question(1).Answer(q1.CorrectLetters.ToLowerInvariant());
        Assert.True(right.Correct);
        Assert.Contains("is right", right.ToPlainText(), StringComparison.Ordinal);
        // Every choice's why is shown, the right one first.
        foreach (var c in q1.Choices) Assert.Contains(c.Why, right.ToPlainText(), StringComparison.Ordinal);
        Assert.Contains($"{q1.CorrectLetters} ✔ {q1.Choices.Single(c => c.Correct).Why}", right.ToPlainText(), StringComparison.Ordinal);
        Assert.Contains("Taught in lesson 03-encrypt-decrypt", right.ToPlainText(), StringComparison.Ordinal);

        var wrong = quiz.Question(2).Answer(quiz.Questions[1].CorrectLetters == "A" ? "B" : "A");
        Assert.False(wrong.Correct);
        Assert.Contains($"The answer is {quiz.Questions[1].CorrectLetters}.", wrong.ToPlainText(), StringComparison.Ordinal);

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
    public void A_choose_two_question_takes_both_letters()
    {
        var q = ExamBank.Default.Questions.First(q => q.IsChooseTwo);
        var exam = Enumerable.Range(0, 200).Select(seed => Quiz.Exam(q.Exams.Keys.First(), 65, new Random(seed)))
            .First(e => e.Questions.Any(a => a.Question.Id == q.Id));
        int n = exam.Questions.ToList().FindIndex(a => a.Question.Id == q.Id) + 1;
        var asked = exam.Questions[n - 1];
        Assert.Contains("Choose two", exam.Question(n).ToPlainText(), StringComparison.Ordinal);
        Assert.Contains("Answer with two letters", exam.Question(n).Answer(asked.CorrectLetters[..1]).ToPlainText(), StringComparison.Ordinal);
        var reversed = new string(asked.CorrectLetters.Reverse().ToArray()).ToLowerInvariant();
        Assert.True(exam.Question(n).Answer(reversed).Correct);
        Assert.Equal(1, exam.Score().Right);
    }

    [Fact]
    public void The_exam_is_drawn_from_the_bank_by_the_exam_guides_domain_weights()
    {
        var exam = Quiz.Exam("SCS-C03", 20, new Random(5));
        Assert.Equal(20, exam.Questions.Count);
        Assert.Equal(20, exam.Questions.Select(q => q.Question.Id).Distinct().Count());
        Assert.All(exam.Questions, q => Assert.NotNull(q.Question.DomainFor("SCS-C03")));
        // 20 seats by weights 16/14/18/20/18/14: at least the whole part of each share (3, 2, 3, 4, 3, 2), unless the bank has fewer.
        var seats = exam.Questions.GroupBy(q => q.Question.DomainFor("SCS-C03")!).ToDictionary(g => g.Key, g => g.Count());
        foreach (var d in KmsLab.Exam.ExamCatalog.SecuritySpecialty.Domains)
        {
            int available = ExamBank.Default.Questions.Count(q => q.DomainFor("SCS-C03") == d.Id);
            Assert.True(seats.GetValueOrDefault(d.Id) >= Math.Min(20 * d.WeightPercent / 100, available), $"{d.Id}: {seats.GetValueOrDefault(d.Id)} seats");
        }
        Assert.Throws<ArgumentException>(() => Quiz.Exam("SCS-C02"));
    }

    [Fact]
    public void The_exam_score_names_each_lesson_to_revisit_once_with_its_missed_questions()
    {
        var exam = Quiz.Exam("SCS-C03", 20, new Random(7));
        var missed = exam.Questions.Take(3).ToList();
        for (int n = 1; n <= 3; n++) exam.Question(n).Answer(Wrong(exam.Questions[n - 1]));
        exam.Question(4).Answer(exam.Questions[3].CorrectLetters);
        var expected = string.Join(", ", missed.Select(a => a.Question).OrderBy(q => q.Lesson, StringComparer.Ordinal).ThenBy(q => q.Id, StringComparer.Ordinal)
            .GroupBy(q => q.LessonNumber).Select(g => $"lesson {g.Key} ({string.Join(", ", g.Select(q => q.Id))})"));
        Assert.Equal(expected, exam.Score().Revisit);
        Assert.Equal("", Quiz.ForLesson("05", new Random(1)).Score().Revisit);
    }

    private static string Wrong(AskedQuestion q) =>
        q.Question.IsChooseTwo ? (q.CorrectLetters == "AB" ? "AC" : "AB") : (q.CorrectLetters == "A" ? "B" : "A");

    [Fact]
    public void Answers_are_stored_in_the_progress_file_and_come_back_in_review()
    {
        var quiz = Quiz.ForLesson("06", new Random(2));
        quiz.Question(1).Answer(Wrong(quiz.Questions[0]));
        using var store = KmsLab.Progress.ProgressStore.Open();
        var attempt = store.Attempts().Last(a => a.Topic == "lesson 06");
        Assert.Equal(KmsLab.Progress.AttemptKind.Lesson, attempt.Kind);
        var answer = Assert.Single(store.Answers(attempt.Id));
        Assert.Equal(("06.1", false), (answer.QuestionId, answer.Correct));
        Assert.Contains(store.ReviewQueue(), r => r.QuestionId == "06.1" && r.Box == 1);
        Assert.Contains(Quiz.StoredScores("SCS-C03"), s => s.Answered > 0);
    }

    [Fact]
    public void UnknownLessonsAndQuestionNumbersAreRefused()
    {
        Assert.Throws<ArgumentException>(() => Quiz.ForLesson("42"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quiz.ForLesson("01").Question(4));
    }

    [Fact]
    public void LessonQuizzesAreShuffled_andTheSameSeedGivesTheSameOrder()
    {
        var once = Quiz.ForLesson("05", new Random(7)).Questions.Select(q => string.Join("|", q.Choices.Select(c => c.Text)));
        var again = Quiz.ForLesson("05", new Random(7)).Questions.Select(q => string.Join("|", q.Choices.Select(c => c.Text)));
        Assert.Equal(once, again);
        var orders = Enumerable.Range(0, 20).Select(seed => string.Join("|", Quiz.ForLesson("05", new Random(seed)).Questions[0].Choices.Select(c => c.Text))).Distinct().Count();
        Assert.True(orders > 5, $"only {orders} orders in 20 seeds");
    }

    /// <summary>
    /// For every checkpoint question and an exam: the letter at which the quiz shows the bank's right choice
    /// (found by its text in the bank) scores right, says so and shows that letter beside that text; every
    /// other letter scores wrong and names the right letter.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void TheDisplayedLetterOfTheRightChoiceScoresRightAndEveryOtherLetterWrong(int seed)
    {
        var quizzes = LessonNumbers.Select(l => Quiz.ForLesson(l, new Random(seed))).Append(Quiz.Exam("DVA-C02", 30, new Random(seed))).ToList();
        foreach (var quiz in quizzes)
        {
            for (int n = 1; n <= quiz.Questions.Count; n++)
            {
                var shown = quiz.Questions[n - 1];
                var source = ExamBank.Default.Question(shown.Question.Id);
                Assert.Equal(source.Choices.Select(c => c.Text).Order(), shown.Choices.Select(c => c.Text).Order());
                var rightLetters = new string(shown.Choices.Select((c, i) => (c, i)).Where(x => source.Choices.Single(s => s.Text == x.c.Text).Correct).Select(x => AskedQuestion.Letter(x.i)).ToArray());

                var view = quiz.Question(n);
                foreach (var letter in rightLetters)
                    Assert.Contains($"{letter}) {shown.Choices[letter - 'A'].Text}", view.ToPlainText(), StringComparison.Ordinal);
                var right = view.Answer(rightLetters);
                Assert.True(right.Correct, $"{shown.Question.Id}: {rightLetters}");
                Assert.Contains($"✔ {rightLetters} is right", right.ToPlainText(), StringComparison.Ordinal);
                if (!source.IsChooseTwo)
                {
                    for (int i = 0; i < shown.Choices.Count; i++)
                    {
                        var letter = AskedQuestion.Letter(i);
                        if (rightLetters.Contains(letter)) continue;
                        var wrong = quiz.Question(n).Answer(letter.ToString());
                        Assert.False(wrong.Correct, $"{shown.Question.Id}: {letter}");
                        Assert.Contains($"The answer is {rightLetters}.", wrong.ToPlainText(), StringComparison.Ordinal);
                    }
                }
                quiz.Question(n).Answer(rightLetters);
            }
            Assert.Equal(quiz.Questions.Count, quiz.Score().Right);
        }
    }

    /// <summary>Letters move between attempts, so no explanation or choice may name one, nor point at "the above".</summary>
    [Fact]
    public void NoExplanationOrChoiceNamesALetterOrAPosition()
    {
        var offenders = new List<string>();
        foreach (var q in ExamBank.Default.Questions)
        {
            foreach (var text in q.Choices.SelectMany(c => new[] { c.Text, c.Why }))
            {
                if (LetterReference().Match(text) is { Success: true } m) offenders.Add($"{q.Id} ({q.Source}): \"{m.Value}\" in \"{text}\"");
                if (PositionReference().Match(text) is { Success: true } p) offenders.Add($"{q.Id} ({q.Source}): \"{p.Value}\" in \"{text}\"");
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
        foreach (var text in new[] { "A key policy is required.", "Encrypt under key A, then ReEncrypt to key B", "the role in account B", "SSE-C keeps the key with you", "AES-256-GCM", "`kms:Put*` and a grant", "Encrypt is a call. A grant is not." })
        {
            Assert.False(LetterReference().IsMatch(text), text);
        }
    }

    /// <summary>A lone capital A–F used as a letter: B–F on their own, or A where it is not the article ("A and B", "(A)", "A is right"); a scenario's names ("key A", "account B") are not choices.</summary>
    [GeneratedRegex(@"(?<![\w\-/.:*`'])(?<!\b(?i:account|accounts|Region|key|keys)\s)(?:[B-F]|A(?=\)|\s+(?:and|or|is|are)\b|,)|(?<=\(|\b(?i:and|or|choice|option|answer|unlike)\s+)A)(?![\w\-/.:*`'])")]
    private static partial Regex LetterReference();

    [GeneratedRegex(@"\b(?:all|none|both) of the (?:above|below|previous|others)", RegexOptions.IgnoreCase)]
    private static partial Regex PositionReference();
}
