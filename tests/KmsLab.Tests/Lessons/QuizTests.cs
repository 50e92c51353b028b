using KmsLab.Lessons;

namespace KmsLab.Tests.Lessons;

public sealed class QuizTests
{
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
        foreach (var lesson in new[] { "00", "01", "02", "03", "04", "05", "06", "07", "08", "10" })
        {
            Assert.True(QuestionBank.ForLesson(lesson).Count >= 3, $"lesson {lesson}");
        }
        Assert.True(Quiz.Exam().Questions.Count >= 30);
    }

    [Fact]
    public void AnswersAreScoredInPlace()
    {
        var quiz = Quiz.ForLesson("03-encrypt-decrypt");
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
    }

    [Fact]
    public void UnknownLessonsAndQuestionNumbersAreRefused()
    {
        Assert.Throws<ArgumentException>(() => Quiz.ForLesson("42"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quiz.ForLesson("01").Question(4));
    }
}
