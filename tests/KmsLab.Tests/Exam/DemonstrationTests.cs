using KmsLab.Exam;

namespace KmsLab.Tests.Exam;

/// <summary>Every question that says it can be proven is proven on the simulator, on every build.</summary>
public sealed class DemonstrationTests
{
    public static TheoryData<string> Proven()
    {
        var data = new TheoryData<string>();
        foreach (var id in QuestionDemonstrations.QuestionIds) data.Add(id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Proven))]
    public async Task The_simulator_agrees_with_the_answer(string questionId)
    {
        Assert.NotNull(ExamBank.Default.Find(questionId));
        var shown = await QuestionDemonstrations.RunAsync(questionId);
        Assert.False(string.IsNullOrWhiteSpace(shown));
    }

    [Fact]
    public void At_least_30_questions_are_proven_and_each_demonstration_proves_a_bank_question()
    {
        Assert.True(QuestionDemonstrations.QuestionIds.Count >= 30, $"{QuestionDemonstrations.QuestionIds.Count} demonstrations");
        Assert.DoesNotContain(QuestionDemonstrations.QuestionIds, id => ExamBank.Default.Find(id) is null);
    }

    [Fact]
    public async Task Demonstrate_fails_when_the_simulator_disagrees()
    {
        Assert.Throws<DemonstrationFailedException>(() => Demonstrate.That(false, "a claim"));
        var succeeded = await Assert.ThrowsAsync<DemonstrationFailedException>(() => Demonstrate.ThrowsAsync<InvalidOperationException>(() => Task.CompletedTask));
        Assert.Contains("but the call succeeded", succeeded.Message, StringComparison.Ordinal);
        var other = await Assert.ThrowsAsync<DemonstrationFailedException>(() => Demonstrate.ThrowsAsync<InvalidOperationException>(() => throw new ArgumentException("x")));
        Assert.Contains("threw ArgumentException", other.Message, StringComparison.Ordinal);
    }
}
