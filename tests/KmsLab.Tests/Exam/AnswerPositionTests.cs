using KmsLab.Exam;
using KmsLab.Lessons;

namespace KmsLab.Tests.Exam;

/// <summary>
/// No position is more often right than another: over 10,000 attempts the right choice lands on
/// each letter within 3% (relative) of an even share — through the draws and shuffles the mock
/// exam and the lessons' quizzes use.
/// </summary>
public sealed class AnswerPositionTests
{
    private const int Attempts = 10_000;

    private static void AssertUniform(Dictionary<int, long[]> counts)
    {
        foreach (var (choices, perPosition) in counts)
        {
            double total = perPosition.Sum(), even = total / choices;
            for (int p = 0; p < choices; p++)
            {
                var off = Math.Abs(perPosition[p] - even) / even;
                Assert.True(off <= 0.03, $"{choices}-choice questions: the right choice was {AskedQuestion.Letter(p)} {perPosition[p]} times of {total} ({off:P1} off an even {even:0})");
            }
        }
    }

    private static void Count(Dictionary<int, long[]> counts, AskedQuestion asked)
    {
        var perPosition = counts.TryGetValue(asked.Choices.Count, out var c) ? c : counts[asked.Choices.Count] = new long[asked.Choices.Count];
        foreach (var letter in asked.CorrectLetters) perPosition[letter - 'A']++;
    }

    [Fact]
    public void In_mock_exams()
    {
        var random = new Random(20261203);
        var counts = new Dictionary<int, long[]>();
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var exam = ExamCatalog.All[attempt % ExamCatalog.All.Count];
            foreach (var q in QuestionDraw.Mock(ExamBank.Default, exam, 20, random)) Count(counts, AskedQuestion.Shuffle(q, random));
        }
        Assert.True(counts.Values.Sum(c => c.Sum()) >= Attempts * 20);
        AssertUniform(counts);
    }

    [Fact]
    public void In_the_lessons_quizzes()
    {
        var random = new Random(7);
        var counts = new Dictionary<int, long[]>();
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var quiz = Quiz.ForLesson($"{attempt % 14:00}" is "09" ? "03" : $"{attempt % 14:00}", random);
            foreach (var q in quiz.Questions) Count(counts, q);
        }
        AssertUniform(counts);
    }

    [Fact]
    public void The_check_catches_a_shuffle_that_favours_a_position()
    {
        // The bank as written: most authors put the right answer first, so without a shuffle it is not uniform.
        var counts = new Dictionary<int, long[]>();
        foreach (var q in ExamBank.Default.Questions.Where(q => !q.IsChooseTwo))
        {
            var unshuffled = AskedQuestion.Shuffle(q, new NoShuffle());
            Count(counts, unshuffled);
        }
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertUniform(counts));
    }

    /// <summary>A Random whose Shuffle leaves the order as it is (every swap with itself).</summary>
    private sealed class NoShuffle : Random
    {
        public override int Next(int minValue, int maxValue) => minValue;
    }
}
