namespace KmsLab.Exam;

/// <summary>
/// A bank question as one attempt shows it: its choices shuffled and lettered A, B, C… in that
/// order, so a candidate who has seen it before cannot answer by position.
/// </summary>
public sealed class AskedQuestion
{
    private AskedQuestion(ExamQuestion question, IReadOnlyList<ExamChoice> choices)
    {
        Question = question;
        Choices = choices;
        CorrectLetters = new string(choices.Select((c, i) => (c, i)).Where(x => x.c.Correct).Select(x => Letter(x.i)).ToArray());
    }

    /// <summary>The question, as written in the bank.</summary>
    public ExamQuestion Question { get; }

    /// <summary>The choices in the order this attempt shows them: the first is A.</summary>
    public IReadOnlyList<ExamChoice> Choices { get; }

    /// <summary>The letters of the right choice or set, in order: <c>"C"</c>, or <c>"BE"</c> for "choose two".</summary>
    public string CorrectLetters { get; }

    /// <summary><paramref name="question"/> with its choices in an order <paramref name="random"/> draws.</summary>
    public static AskedQuestion Shuffle(ExamQuestion question, Random random)
    {
        var order = question.Choices.ToArray();
        random.Shuffle(order);
        return new AskedQuestion(question, order);
    }

    /// <summary>The letter of choice <paramref name="index"/> (from 0).</summary>
    public static char Letter(int index) => (char)('A' + index);

    /// <summary>
    /// <paramref name="answer"/> as sorted capital letters (<c>"b, e"</c> → <c>"BE"</c>), or null when it
    /// names a letter this question has not or names the wrong number of choices.
    /// </summary>
    public string? Normalize(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer)) return null;
        var letters = answer.ToUpperInvariant().Where(char.IsLetter).Distinct().Order().ToArray();
        if (letters.Length != CorrectLetters.Length || letters.Any(l => l < 'A' || l >= Letter(Choices.Count))) return null;
        return new string(letters);
    }

    /// <summary>True when <paramref name="answer"/> names exactly the right choice or set.</summary>
    public bool IsRight(string? answer) => Normalize(answer) == CorrectLetters;
}
