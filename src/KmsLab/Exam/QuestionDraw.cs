
namespace KmsLab.Exam;

/// <summary>Which questions an attempt asks.</summary>
public static class QuestionDraw
{
    /// <summary>
    /// A mock exam's <paramref name="count"/> questions for <paramref name="exam"/>, each domain
    /// given its share of the exam guide's weights (largest remainder; a domain short of questions
    /// leaves its seats to the others), in a random order.
    /// </summary>
    public static List<ExamQuestion> Mock(ExamBank bank, ExamDefinition exam, int count, Random random)
    {
        var pool = bank.ForExam(exam.Code).ToArray();
        random.Shuffle(pool);
        count = Math.Min(count, pool.Length);
        var byDomain = exam.Domains.ToDictionary(d => d.Id, d => new Queue<ExamQuestion>(pool.Where(q => q.DomainFor(exam.Code) == d.Id)));
        double total = exam.Domains.Sum(d => d.WeightPercent);
        var shares = exam.Domains.Select(d => (d.Id, Exact: count * d.WeightPercent / total)).ToList();
        var seats = shares.ToDictionary(s => s.Id, s => (int)Math.Floor(s.Exact));
        foreach (var s in shares.OrderByDescending(s => s.Exact - Math.Floor(s.Exact)).Take(count - seats.Values.Sum())) seats[s.Id]++;
        var chosen = new List<ExamQuestion>();
        foreach (var (domain, n) in seats)
            for (int i = 0; i < n && byDomain[domain].Count > 0; i++) chosen.Add(byDomain[domain].Dequeue());
        chosen.AddRange(pool.Except(chosen).Take(count - chosen.Count));
        var drawn = chosen.ToArray();
        random.Shuffle(drawn);
        return [.. drawn];
    }

    /// <summary>Practice questions: those of a topic, an exam or a lesson (all if none is given), in a random order, at most <paramref name="count"/>.</summary>
    public static List<ExamQuestion> Practice(ExamBank bank, string? topic, string? exam, string? lesson, int count, Random random)
    {
        var pool = bank.Questions
            .Where(q => topic is null || q.Topic == topic)
            .Where(q => exam is null || q.DomainFor(exam) is not null)
            .Where(q => lesson is null || q.LessonNumber == lesson[..Math.Min(2, lesson.Length)])
            .ToArray();
        random.Shuffle(pool);
        return [.. pool.Take(count)];
    }
}
