namespace KmsLab.Exam;

/// <summary>A certification exam the bank serves: its code, its pacing and its domains.</summary>
/// <param name="Code">The exam code, e.g. <c>SCS-C03</c>.</param>
/// <param name="Title">The certification's name.</param>
/// <param name="Questions">Questions in the real exam (scored and unscored together).</param>
/// <param name="Minutes">The real exam's time limit.</param>
/// <param name="Domains">The exam guide's content domains.</param>
public sealed record ExamDefinition(string Code, string Title, int Questions, int Minutes, IReadOnlyList<ExamDomain> Domains)
{
    /// <summary>The domain with <paramref name="id"/>, or null.</summary>
    public ExamDomain? Domain(string id) => Domains.FirstOrDefault(d => d.Id == id);

    /// <summary>
    /// The time a mock exam of <paramref name="questions"/> questions gets: the real exam's time per
    /// question (<see cref="Minutes"/> / <see cref="Questions"/>) times that many, so a short mock
    /// keeps the real pacing.
    /// </summary>
    public TimeSpan TimeFor(int questions) => TimeSpan.FromSeconds(Math.Round(Minutes * 60.0 * questions / Questions));
}
