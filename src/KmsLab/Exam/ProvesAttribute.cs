namespace KmsLab.Exam;

/// <summary>
/// Marks a demonstration: a static method <c>Task&lt;string&gt; Name(Lab lab)</c> that makes the
/// right answer of the bank question <see cref="QuestionId"/> happen on the simulator and returns,
/// in one line, what it showed.
/// </summary>
/// <param name="questionId">The <c>id</c> of the question in the bank.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class ProvesAttribute(string questionId) : Attribute
{
    /// <summary>The question whose answer the method shows.</summary>
    public string QuestionId { get; } = questionId;
}
