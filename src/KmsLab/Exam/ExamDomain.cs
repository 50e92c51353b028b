namespace KmsLab.Exam;

/// <summary>One content domain of a certification exam's guide: the unit a mock exam is scored by.</summary>
/// <param name="Id">The bank's name for it, e.g. <c>data-protection</c>.</param>
/// <param name="Title">The exam guide's name for it, e.g. <c>Data Protection</c>.</param>
/// <param name="WeightPercent">Its share of the scored content in the exam guide.</param>
public sealed record ExamDomain(string Id, string Title, int WeightPercent);
