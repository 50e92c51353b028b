namespace KmsLab.Exam;

/// <summary>
/// A scenario question of the bank (exam-bank/README.md describes the file it is written in). Its
/// choices are in the order they were written; <see cref="AskedQuestion"/> shuffles them for
/// each attempt.
/// </summary>
/// <param name="Id">Stable across versions of the bank (progress is stored by it), e.g. <c>envelope.large-video-files</c>.</param>
/// <param name="Topic">The topic file it is in, e.g. <c>envelope-encryption</c>.</param>
/// <param name="Stem">The scenario and what it asks, with the facts table's numbers filled in.</param>
/// <param name="Exams">Each exam it serves (its code) mapped to that exam's domain id.</param>
/// <param name="Difficulty"><c>easy</c>, <c>medium</c> or <c>hard</c>.</param>
/// <param name="Lesson">The notebook that teaches it, e.g. <c>04-envelope-encryption</c>.</param>
/// <param name="Checkpoint">True if its lesson also asks it in "Check your understanding".</param>
/// <param name="Choices">The options, as written.</param>
/// <param name="Source">The file and line of its opening brace.</param>
public sealed record ExamQuestion(
    string Id,
    string Topic,
    string Stem,
    IReadOnlyDictionary<string, string> Exams,
    string Difficulty,
    string Lesson,
    bool Checkpoint,
    IReadOnlyList<ExamChoice> Choices,
    BankLocation Source)
{
    /// <summary>True for "choose two": more than one option must be chosen.</summary>
    public bool IsChooseTwo => Choices.Count(c => c.Correct) > 1;

    /// <summary>The lesson's number, e.g. <c>04</c>.</summary>
    public string LessonNumber => Lesson[..2];

    /// <summary>The domain of <paramref name="examCode"/> it belongs to, or null if it does not serve that exam.</summary>
    public string? DomainFor(string examCode) => Exams.TryGetValue(examCode, out var domain) ? domain : null;
}
