using KmsLab.Exam;

namespace KmsLab.Progress;

/// <summary>A learner's score in one domain of an exam, over every answer they stored.</summary>
/// <param name="Domain">The exam guide's domain.</param>
/// <param name="Right">Answers that were right.</param>
/// <param name="Answered">Answers given to questions of that domain.</param>
public sealed record DomainScore(ExamDomain Domain, int Right, int Answered)
{
    /// <summary>Right answers as a share of those given, from 0 to 1 (0 when none was given).</summary>
    public double Share => Answered == 0 ? 0 : (double)Right / Answered;

    /// <summary>
    /// The learner's score per domain of <paramref name="exam"/>: every stored answer to a question
    /// of the bank that serves that exam, whatever the attempt (practice, mock, review, lesson), in
    /// the exam guide's domain order.
    /// </summary>
    public static IReadOnlyList<DomainScore> For(ProgressStore store, ExamBank bank, ExamDefinition exam)
    {
        var answers = store.Answers().Where(a => a.Answer is not null)
            .Select(a => (a, Domain: bank.Find(a.QuestionId)?.DomainFor(exam.Code)))
            .Where(x => x.Domain is not null).ToList();
        return exam.Domains.Select(d =>
        {
            var mine = answers.Where(x => x.Domain == d.Id).ToList();
            return new DomainScore(d, mine.Count(x => x.a.Correct), mine.Count);
        }).ToList();
    }
}
